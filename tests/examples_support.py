"""Helpers shared by the hardening tests: the example documents of every kind (found by their
``type``), copies of their dossier, and which of their values are printed in the document.

Nothing here knows a kind's fields: a kind added to ``DOCUMENT_KINDS`` with an example YAML
is covered by the catalogue and the property tests without any change.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import docx
import yaml
from docx.table import Table
from docx.text.paragraph import Paragraph

import accordgen
from accordgen import DOCUMENT_KINDS
from accordgen.dossier import set_path
from accordgen.errors import AccordgenError, ValidationError
from accordgen.render.typography import apply_text
from accordgen.tools.text import normalise
from accordgen.yamlio import read_yaml

from conftest import ROOT

EXAMPLES = ROOT / "examples"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOT_TEXT = {"type", "accord"}  # the kind and the path of accord.yaml are not printed values
# A probe with the punctuation French typography respaces: a value printed through a filter
# that respaces (``typo``) or changes case is not printed "as written".
PROBE = "zq{n:03d}x: « a »; b!"
# A second probe, with the words and capitals a rule may cut a value at (" de ", " du "...).
PROBE_WORDS = "Éq{n:03d}x de l'Aa du b et des c"


@cache
def examples_by_kind() -> dict[str, list[Path]]:
    """Every example YAML with a ``type``, by kind name, sorted by path."""
    found: dict[str, list[Path]] = {}
    for path in sorted(EXAMPLES.rglob("*.y*ml")):
        kind = read_yaml(path).get("type")
        if isinstance(kind, str):
            found.setdefault(kind, []).append(path)
    return found


def kinds_with_example() -> list[str]:
    """The registered kinds that have an example, in registry order."""
    return [k for k in DOCUMENT_KINDS if k in examples_by_kind()]


@cache
def base_example(kind: str) -> Path:
    """The example a kind's hostile variants are made from: the first one that loads."""
    for path in examples_by_kind()[kind]:
        try:
            accordgen.load(path, kind)
            return path
        except AccordgenError:
            continue
    raise AssertionError(f"aucun exemple valide pour le type {kind}")


def copy_dossier(example: Path, dest: Path) -> Path:
    """Copy the example's whole dossier (top folder under examples/) into ``dest``; returns
    the example's path in the copy. Siblings stay, so dossier checks see the same dossier."""
    rel = example.relative_to(EXAMPLES)
    top = rel.parts[0]
    shutil.copytree(EXAMPLES / top, dest / top, dirs_exist_ok=True)
    return dest / rel


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: Any) -> str:
    """YAML a drafter could have written (control characters and surrogates escaped)."""
    options = {"allow_unicode": True, "sort_keys": False, "width": 1_000_000}
    try:
        return yaml.dump(data, Dumper=_Dumper, **options)
    except UnicodeEncodeError:  # libyaml cannot write a lone surrogate: the Python emitter escapes it
        return yaml.dump(data, Dumper=yaml.SafeDumper, **options)


# --- paths in raw YAML data --------------------------------------------------------------

def leaves(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) of every scalar, in document order: ``axes[0].titre``."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, f"{path}[{i}]")
    else:
        yield path, data


def mappings(data: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, mapping) of every mapping below the top level, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(value, dict):
                yield sub, value
            yield from mappings(value, sub)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            sub = f"{path}[{i}]"
            if isinstance(value, dict):
                yield sub, value
            yield from mappings(value, sub)


def get_path(data: Any, path: str) -> Any:
    for part in [p for p in re.split(r"\.|\[(\d+)\]", path) if p not in (None, "")]:
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def depth(path: str) -> int:
    return path.count(".") + path.count("[")


def covers(error_path: str, leaf: str) -> bool:
    """An error reported at ``error_path`` concerns ``leaf`` (itself or one of its parents)."""
    return leaf == error_path or leaf.startswith((error_path + ".", error_path + "["))


# --- which values are printed --------------------------------------------------------------

def docx_text(data: bytes | Path) -> str:
    """Body (tables included), headers and footers, normalised; the DOCX is opened once."""
    document = docx.Document(io.BytesIO(data) if isinstance(data, bytes) else str(data))
    lines: list[str] = []

    def walk(container: Any) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)

    walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            lines += [p.text for p in part.paragraphs]
    return normalise("\n".join(lines))


def squeeze(text: str) -> str:
    """Text without any whitespace: compares values through French respacing (``typo``)."""
    return re.sub(r"\s+", "", normalise(text))


@dataclass(frozen=True)
class Printed:
    """The string values of a kind's example that the document prints."""

    verbatim: tuple[str, ...]  # printed as written (after whitespace normalisation and the
    # typography pass every printed value goes through: « a: b » printed « a : b »)
    loose: tuple[str, ...]  # printed, possibly respaced by French typography
    # printed whatever they say: a value the document shortens by rule (a letter signed by
    # delegation prints "Pour le Président" for "Président du Conseil départemental") is not
    stable: tuple[str, ...]


def accord_file(document: Path) -> Path:
    """The accord.yaml a derived document points at."""
    return (document.parent / read_yaml(document)["accord"]).resolve()


def _probe(kind: str, in_accord: bool, probe_format: str) -> tuple[dict[str, str], str]:
    """Give every candidate string a unique probe, put back the ones the loader refuses;
    returns the accepted probes and the rendered text."""
    example = base_example(kind)
    source = accord_file(example) if in_accord else example
    raw = read_yaml(source)
    candidates = [p for p, v in leaves(raw) if isinstance(v, str) and not DATE.match(v)
                  and p not in NOT_TEXT]
    probes = {p: probe_format.format(n=i) for i, p in enumerate(candidates)}
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(20):
            data = yaml.safe_load(dump(raw))
            for path, probe in probes.items():
                set_path(data, path, probe)
            copy = copy_dossier(example, Path(tmp) / str(attempt))
            target = accord_file(copy) if in_accord else copy
            target.write_text(dump(data), encoding="utf-8")
            try:
                if in_accord:
                    accordgen.load(target, "accord")  # the accord's own problems, with its paths
                doc = accordgen.load(copy, kind)
                break
            except ValidationError as exc:
                refused = {p for p in probes if any(covers(e, p) for e, _ in exc.problems)}
                if not refused:  # a rule on several fields (an address line) names one of them
                    parents = [e.rsplit(".", 1)[0] for e, _ in exc.problems if "." in e]
                    refused = {p for p in probes if any(covers(e, p) for e in parents)}
                assert refused, f"{kind} : sonde refusée hors des valeurs sondées : {exc}"
                for path in refused:
                    del probes[path]
        else:
            raise AssertionError(f"{kind} : impossible de sonder les valeurs imprimées")
        return probes, docx_text(accordgen.render_bytes(doc))


@cache
def printed_values(kind: str, in_accord: bool = False) -> Printed:
    """Find, by probing, which string values of the kind's example reach the document (with
    ``in_accord``: which values of its accord.yaml reach the derived document)."""
    probes, text = _probe(kind, in_accord, PROBE)
    squeezed = squeeze(text)
    # as written: the value's own text, with only the French typography every value gets
    verbatim = tuple(p for p, probe in probes.items() if normalise(apply_text(probe)) in text)
    loose = tuple(p for p, probe in probes.items() if squeeze(probe) in squeezed)
    probes2, text2 = _probe(kind, in_accord, PROBE_WORDS)
    squeezed2 = squeeze(text2)
    stable = tuple(p for p in loose if p in probes2 and squeeze(probes2[p]) in squeezed2)
    return Printed(verbatim, loose, stable)
