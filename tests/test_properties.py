"""Property-based tests (hypothesis): for every kind, arbitrary valid parameters always give a
DOCX that python-docx re-opens, with no template tag left and every generated value printed.

Parameters are generated from each kind's example, without knowing its fields:
- every string the document prints (found by probing, see ``examples_support.printed_values``),
  in the document and, for derived documents, in its accord, becomes arbitrary text (any
  script, emoji, XML and template syntax, long values);
- every list the loader lets grow or shrink (axes, subjects, actions, paragraphs...) gets a new
  length, found by probing once per kind; new elements are copies with new texts and, when the
  elements are numbered 1..n (``numero``), renumbered;
- the document's dates all move by one random offset (wide for an accord, a few weeks for a
  derived document, whose dates are bound to its accord's), the compact ``AAAAMMJJ`` forms
  inside identifiers moving with them.
Generated parameters the loader refuses (a combination the rules forbid) are discarded, not
counted: each kind runs 200 valid examples. Rendering is in memory (``render_bytes``).
"""

from __future__ import annotations

import copy
import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from lxml import etree

import accordgen
from accordgen.dossier import set_path
from accordgen.errors import ValidationError
from accordgen.render.template import TemplateFile, paragraph_text
from accordgen.render.typography import apply_text
from accordgen.yamlio import read_yaml
from examples_support import (
    DATE,
    NOT_TEXT,
    PROBE,
    accord_file,
    base_example,
    copy_dossier,
    docx_text,
    dump,
    kinds_with_example,
    leaves,
    printed_values,
    squeeze,
)

EXAMPLES_PER_KIND = 200
EXTRA_ELEMENTS = 3  # a list may grow by this many elements
SHIFT_DAYS = {"accord": 9000, "derived": 40}
FRENCH = [
    "Jean-François", "PARIGI", "Hélène d'Aubigné", "Œuvre sociale", "Île-de-France", "L'Haÿ-les-Roses",
    "Directrice Orange Île-de-France", "société anonyme à conseil d'administration",
    "n° 12 bis", "« Terre de Jeux »", "Saint-Germain-en-Laye", "Ça, c'est l'été !",
    "Président du Conseil départemental",
]


# --- the shape of each kind's parameters, found once by probing ------------------------------

def pattern(path: str) -> str:
    """``axes[2].sujets[0]`` -> ``axes[*].sujets[*]``."""
    return re.sub(r"\[\d+\]", "[*]", path)


def _lists(data: Any, path: str = "") -> Iterator[tuple[str, list[Any]]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _lists(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        yield path, data
        for i, value in enumerate(data):
            yield from _lists(value, f"{path}[{i}]")


def renumber(items: list[Any]) -> None:
    """Elements numbered 1..n (``numero``) stay numbered 1..n after a copy or a removal."""
    if items and all(isinstance(x, dict) and isinstance(x.get("numero"), int) for x in items):
        for i, x in enumerate(items, 1):
            x["numero"] = i


def _resize(data: Any, target: str, length: int) -> Any:
    """Every list at pattern ``target`` set to ``length`` elements (copies of the last one)."""
    data = copy.deepcopy(data)
    for path, items in list(_lists(data)):
        if pattern(path) == target:
            if length <= len(items):
                del items[length:]
            else:
                items.extend(copy.deepcopy(items[-1]) for _ in range(length - len(items)))
            renumber(items)
    return data


@dataclass(frozen=True)
class Shape:
    texts: frozenset[str]  # patterns of the printed strings of the document
    accord_texts: frozenset[str]  # paths of the printed strings of the accord (derived documents)
    checked: frozenset[str]  # of those, the ones printed whatever they say ("accord:" + path)
    lengths: dict[str, tuple[int, ...]]  # list pattern -> the numbers of elements it may have
    shift: int  # dates move by at most this many days
    # list pattern -> text patterns not printed when that list is empty (an introduction
    # sentence is left out with the list it introduces)
    hidden: dict[str, frozenset[str]]


def _load(example: Path, data: dict[str, Any], folder: Path) -> accordgen.Document | None:
    copied = copy_dossier(example, folder)
    copied.write_text(dump(data), encoding="utf-8")
    try:
        return accordgen.load(copied)
    except ValidationError:
        return None


def _loads(example: Path, data: dict[str, Any]) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        return _load(example, data, Path(tmp)) is not None


def _hidden_when_empty(kind: str, target: str) -> frozenset[str]:
    """Text patterns whose value is no longer printed once the lists at ``target`` are empty
    (``accord:`` + pattern for a value of the accord of a derived document)."""
    example = base_example(kind)
    data = read_yaml(example)
    accord = read_yaml(accord_file(example)) if "accord" in data else None
    probes: dict[str, str] = {}
    for i, path in enumerate(printed_values(kind).loose):
        probes[path] = PROBE.format(n=i)
        set_path(data, path, probes[path])
    if accord is not None:
        for i, path in enumerate(printed_values(kind, True).loose, start=len(probes)):
            probes["accord:" + path] = PROBE.format(n=i)
            set_path(accord, path, probes["accord:" + path])
    with tempfile.TemporaryDirectory() as tmp:
        copied = copy_dossier(example, Path(tmp))
        copied.write_text(dump(_resize(data, target, 0)), encoding="utf-8")
        if accord is not None:
            accord_file(copied).write_text(dump(accord), encoding="utf-8")
        text = squeeze(docx_text(accordgen.render_bytes(accordgen.load(copied))))
    return frozenset(pattern(p) for p, probe in probes.items()
                     if squeeze(probe) not in text and not pattern(p).startswith(target + "["))


@cache
def shape(kind: str) -> Shape:
    example = base_example(kind)
    raw = read_yaml(example)
    # a pattern is generated when every string at that pattern is printed (an accord's
    # ``axes[*].titre`` in an avenant is printed for the modified axis only)
    printed, stable = set(printed_values(kind).loose), set(printed_values(kind).stable)
    instances: dict[str, set[str]] = {}
    for p, v in leaves(raw):
        if isinstance(v, str) and not DATE.match(v) and p not in NOT_TEXT:
            instances.setdefault(pattern(p), set()).add(p)
    texts = frozenset(pat for pat, paths in instances.items() if paths <= printed)
    checked = {pat for pat, paths in instances.items() if paths <= stable}
    derived = "accord" in raw
    # the accord of a derived document is not resized: its printed strings, path by path
    accord_texts = frozenset(printed_values(kind, True).loose) if derived else frozenset()
    if derived:
        checked |= {"accord:" + p for p in printed_values(kind, True).stable}
    lengths: dict[str, tuple[int, ...]] = {}
    for target in dict.fromkeys(pattern(p) for p, items in _lists(raw) if items):
        if target.endswith("]"):  # a list inside a list (a bullet list in a Bloc): resized with it
            continue
        sizes = {len(items) for p, items in _lists(raw) if pattern(p) == target}
        tried = sorted({0, 1, 2, min(sizes) - 1, max(sizes) + 1, max(sizes) + EXTRA_ELEMENTS} - sizes - {-1})
        valid = {n for n in tried if _loads(example, _resize(raw, target, n))} | sizes
        # lengths between two valid tried lengths, with no refused one between them, are valid
        tested = sorted(set(tried) | sizes)
        for a, b in zip(tested, tested[1:], strict=False):
            if a in valid and b in valid:
                valid |= set(range(a, b))
        if valid != sizes:
            lengths[target] = tuple(sorted(valid))
    hidden = {t: _hidden_when_empty(kind, t) for t, allowed in lengths.items() if allowed[0] == 0}
    return Shape(texts, accord_texts, frozenset(checked), lengths,
                 SHIFT_DAYS["derived" if derived else "accord"], {t: h for t, h in hidden.items() if h})


# --- strategies -------------------------------------------------------------------------------

def _xml_text(s: str) -> bool:
    return bool(s.strip())


_ANY = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"),
    min_size=1, max_size=40,
)
_SYNTAX = st.text(alphabet="{}%#<>&;:!?«» '\"/=w", min_size=1, max_size=20)  # template and XML
_LONG = st.builds(lambda s, n: (s + " ") * n, st.sampled_from(FRENCH), st.integers(20, 200))
# Long values are rare (they slow YAML reading down; the catalogue has a 10,000-character one).
TEXT = st.integers(0, 19).flatmap(
    lambda n: _LONG if n == 0 else _SYNTAX if n <= 4 else st.sampled_from(FRENCH) if n <= 8 else _ANY
).map(str.strip).filter(_xml_text)


@dataclass
class Generated:
    document: dict[str, Any]
    accord: dict[str, Any] | None
    values: list[str]  # every generated text that must be printed


def _fill(data: Any, path: str, texts: frozenset[str], lengths: dict[str, tuple[int, ...]],
          draw: Any, values: list[tuple[str, str]], emptied: list[str], exact: bool = False) -> Any:
    """A copy of ``data`` with new lengths for the resizable lists and new printed texts
    (``texts`` are patterns, or paths when ``exact``)."""
    here = path if exact else pattern(path)
    if isinstance(data, dict):
        return {k: _fill(v, f"{path}.{k}" if path else str(k), texts, lengths, draw, values, emptied, exact)
                for k, v in data.items()}
    if isinstance(data, list):
        items = list(data)
        if here in lengths and items:
            n = draw(st.sampled_from(sorted({*lengths[here], len(items)})), label=f"longueur {here}")
            items = [copy.deepcopy(x) for x in items[:n]]
            items += [copy.deepcopy(draw(st.sampled_from(data))) for _ in range(n - len(items))]
            renumber(items)
            if not items:
                emptied.append(path)
        return [_fill(v, f"{path}[{i}]", texts, lengths, draw, values, emptied, exact)
                for i, v in enumerate(items)]
    if isinstance(data, str) and here in texts and here not in NOT_TEXT:
        value = draw(TEXT)
        values.append((path, value))
        return value
    return data


def _printed(values: list[tuple[str, str]], emptied: list[str], hidden: dict[str, frozenset[str]]) -> list[str]:
    """The generated values that must be printed: not those an emptied list hides. Values of
    the document are hidden next to their list (``axes[2].sujets_introduction`` with
    ``axes[2].sujets``), values of the accord (``accord:`` paths) wherever they are."""
    unseen = set()
    for empty in emptied:
        parent = empty.rsplit(".", 1)[0] + "." if "." in empty else ""
        for dependent in hidden.get(pattern(empty), ()):
            unseen |= {p for p, _ in values if pattern(p) == dependent
                       and (p.startswith("accord:") or p.startswith(parent))}
    return [v for p, v in values if p not in unseen]


def _shift_dates(data: Any, days: int) -> Any:
    """All dates moved by ``days``; their ``AAAAMMJJ`` forms inside other values too."""
    moved = {}
    for _, v in leaves(data):
        if isinstance(v, str) and DATE.match(v):
            new = date.fromisoformat(v) + timedelta(days=days)
            moved[v] = new.isoformat()

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, str):
            if x in moved:
                return moved[x]
            for old, new in moved.items():
                x = x.replace(old.replace("-", ""), new.replace("-", ""))
        return x

    return walk(data)


@st.composite
def parameters(draw: Any, kind: str) -> Generated:
    s = shape(kind)
    values: list[tuple[str, str]] = []
    emptied: list[str] = []
    document = _fill(example_raw(kind), "", s.texts, s.lengths, draw, values, emptied)
    document = _shift_dates(document, draw(st.integers(-s.shift, s.shift), label="décalage des dates"))
    accord = None
    if s.accord_texts:
        accord_values: list[tuple[str, str]] = []
        accord = _fill(example_raw(kind, True), "", s.accord_texts, {}, draw, accord_values, [], exact=True)
        values += [("accord:" + p, v) for p, v in accord_values]
    values = [(p, v) for p, v in values if (p if p.startswith("accord:") else pattern(p)) in s.checked]
    if kind == "lettre-resiliation":
        # a letter names an axis only for a convention signed by its (shifted) sending date:
        # which ones is the dossier's business, tested in test_lettre, not a printed value here
        values = [(p, v) for p, v in values if not p.startswith("accord:axes")]
    return Generated(document, accord, _printed(values, emptied, s.hidden))


# --- the property -----------------------------------------------------------------------------

@cache
def template_tags(kind: str) -> frozenset[str]:
    """The tags of the kind's template as a drafter sees them (whitespace removed)."""
    tpl = TemplateFile(accordgen.DOCUMENT_KINDS[kind].template_path)
    tags = set()
    for name in tpl.part_names:
        for line in tpl.source(name).splitlines():
            tags.update(re.findall(r"\{\{.*?\}\}|\{%.*?%\}", paragraph_text(line)))
    return frozenset(squeeze(t) for t in tags)


class Workspace:
    """A fresh copy of the example dossier per generated example (the loader caches sibling
    files by size and modification time, so files are never rewritten in place)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.tmp = tempfile.TemporaryDirectory()
        self.count = 0

    def write(self, g: Generated) -> Path:
        self.count += 1
        folder = Path(self.tmp.name) / str(self.count)
        document = copy_dossier(base_example(self.kind), folder)
        document.write_text(dump(g.document), encoding="utf-8")
        if g.accord is not None:
            accord_file(document).write_text(dump(g.accord), encoding="utf-8")
        return document


@cache
def example_raw(kind: str, accord: bool = False) -> dict[str, Any]:
    """The example's parameters (read once; the generator never changes them in place)."""
    example = base_example(kind)
    return read_yaml(accord_file(example) if accord else example)


def check_rendered(kind: str, data: bytes, values: list[str], generated: list[str] = ()) -> None:
    """The DOCX is well formed, every printed value is in it, and no template tag is left —
    unless a generated text (printed or not: the accord's, for a derived document) holds one."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name))
    docx.Document(io.BytesIO(data))  # python-docx re-opens it
    text = docx_text(data)
    squeezed = squeeze(text)
    squeezed_values = [squeeze(apply_text(v)) for v in values]  # as printed: French typography
    for value, squeezed_value in zip(values, squeezed_values, strict=True):
        assert squeezed_value in squeezed, f"valeur absente du document : {value!r}"
    for tag in template_tags(kind):
        if tag in squeezed:
            assert any(tag in v for v in squeezed_values), f"balise du modèle restée dans le document : {tag}"
    if not any(c in v for v in [*values, *generated] for c in "{%#"):
        for marker in ("{{", "{%", "{#"):
            assert marker not in text, f"balise restée dans le document : {marker}"


@pytest.mark.parametrize("kind", kinds_with_example())
def test_valid_parameters_always_render(kind: str) -> None:
    shape(kind)  # probe before hypothesis measures time
    space = Workspace(kind)

    @settings(max_examples=EXAMPLES_PER_KIND, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(g=parameters(kind))
    def render_any(g: Generated) -> None:
        path = space.write(g)
        try:
            doc = accordgen.load(path)
        except ValidationError as exc:
            event(f"refusé : {exc.problems[0][0]}")
            assume(False)
            return
        texts = [v for part in (g.document, g.accord or {}) for _, v in leaves(part) if isinstance(v, str)]
        check_rendered(kind, accordgen.render_bytes(doc), g.values, texts)

    try:
        render_any()
    finally:
        space.tmp.cleanup()


def test_shape_probing_finds_the_accords_lists() -> None:
    """The generator is not vacuous: on the accord it varies the number of axes, paragraphs and
    subjects, and nearly every text."""
    s = shape("accord")
    assert "axes" in s.lengths and max(s.lengths["axes"]) > 6 and min(s.lengths["axes"]) == 1
    assert s.lengths.get("signature.signataires", (0, 2)) == (0, 2)  # one signatory alone is refused
    assert "axes[*].sujets" in s.lengths and s.lengths["axes[*].sujets"][0] == 0
    assert {"titre", "parties[*].designation", "axes[*].titre", "axes[*].contexte[*]"} <= s.texts
    assert s.shift >= 365 * 20
