"""The bad-input catalogue (tests/data/catalogue/, see its README) against every document kind,
through the command line, the Python API and the notebooks.

Each case either gives a correct DOCX with the value as written, or a French message naming
the file and the field path with exit status 2: never a traceback, never a file written.
Every case runs through the CLI (a real process) and the API for every kind; the notebook path
(a papermill kernel, about 3 s a run) runs the cases marked ``notebook: true``: one refused
input and one literal value per kind.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from lxml import etree

import accordgen
from accordgen import DOCUMENT_KINDS
from accordgen.errors import AccordgenError, ValidationError
from accordgen.render.typography import apply_text
from accordgen.runner import NotebookError, run_notebook
from accordgen.tools.text import normalise
from accordgen.yamlio import read_yaml
from examples_support import (
    DATE,
    NOT_TEXT,
    base_example,
    copy_dossier,
    depth,
    docx_text,
    dump,
    examples_by_kind,
    get_path,
    leaves,
    mappings,
    printed_values,
)

from conftest import DATA, run_cli

CATALOGUE = DATA / "catalogue"
CASES = sorted(p.stem for p in CATALOGUE.glob("*.yaml"))
KINDS = list(DOCUMENT_KINDS)
TAG_MARKERS = ("{{", "{%", "{#")


def case_data(name: str) -> dict[str, Any]:
    return read_yaml(CATALOGUE / f"{name}.yaml")


NOTEBOOK_CASES = [c for c in CASES if case_data(c).get("notebook")]


@dataclass
class Variant:
    """One catalogue case applied to one kind's example, in a copy of its dossier."""

    case: str
    kind: str
    file: Path
    outcome: str
    paths: list[str] | None = None  # the message names one of these field paths
    fragments: list[str] = field(default_factory=list)
    present: str | None = None


def typo(key: str) -> str:
    """A plausible misspelling: two letters swapped ("signature" -> "sigature")."""
    return key[:2] + key[3] + key[2] + key[4:] if len(key) >= 4 else key + "s"


def resolve(kind: str, target: str, raw: dict[str, Any]) -> str | None:
    """The path a kind-agnostic target stands for in this kind's example (None: not applicable)."""
    model = DOCUMENT_KINDS[kind].model
    if target == "text":
        stable = printed_values(kind).stable
        printed = [p for p in printed_values(kind).verbatim if p in stable]
        return min(printed, key=lambda p: (depth(p), printed.index(p))) if printed else None
    if target == "date":
        # a date of the act, not the date of a draft's version (a property of the file)
        return next((p for p, v in leaves(raw) if isinstance(v, str) and DATE.match(v)
                     and p != "date_version"), None)
    if target == "number":
        # a number of the act, not a draft's version (which may be any text: « 2-bis »)
        return next((p for p, v in leaves(raw) if isinstance(v, int) and not isinstance(v, bool)
                     and p != "version"), None)
    if target == "required":
        return next((k for k in raw if k not in NOT_TEXT and k in model.model_fields
                     and model.model_fields[k].is_required()), None)
    if target == "type":
        return "type"
    if target == "typo-key":
        key = next((k for k in raw if k not in NOT_TEXT), None)
        return typo(key) if key else None
    if target == "nested-typo-key":
        found = next(mappings(raw), None)
        return f"{found[0]}.{typo(next(iter(found[1])))}" if found and found[1] else None
    if target == "accord-ref":
        return "accord" if "accord" in model.model_fields else None
    raise AssertionError(f"cible inconnue : {target}")


def set_value(data: dict[str, Any], path: str, value: Any, remove: bool) -> None:
    parent_path, _, key = path.rpartition(".")
    parent = get_path(data, parent_path) if parent_path else data
    if "[" in key:  # a list element: parts[0]
        name, index = key[:-1].split("[")
        parent = parent[name]
        key = int(index)  # type: ignore[assignment]
    if remove:
        del parent[key]
    else:
        parent[key] = value


def make_variant(case: str, kind: str, tmp: Path) -> Variant:
    spec = case_data(case)
    spec = spec | spec.get("per_kind", {}).get(kind, {})
    expect = spec["expect"]
    if kind not in examples_by_kind():
        pytest.fail(f"le type {kind} n'a pas d'exemple sous examples/ : le catalogue ne peut pas le couvrir")
    example = base_example(kind)
    file = copy_dossier(example, tmp / "dossier")
    original = file.read_text(encoding="utf-8")
    value = spec.get("value")
    if "length" in spec:
        value = (value * (spec["length"] // len(value) + 1))[: spec["length"]]
        assert value == value.strip() and len(value) == spec["length"]
    path = None
    if spec["target"] == "file":
        if "content" in spec:
            text = spec["content"].replace("{kind}", kind)
        else:
            text = original + spec["append"].replace("{kind}", kind)
        file.write_bytes(text.encode(spec.get("encoding", "utf-8")))
    else:
        raw = read_yaml(file)
        path = resolve(kind, spec["target"], raw)
        if path is None:
            pytest.skip(f"sans objet pour {kind} : aucune cible « {spec['target']} » dans son exemple")
        set_value(raw, path, value, spec.get("remove", False))
        file.write_text(dump(raw), encoding="utf-8")
    for name, content in spec.get("files", {}).items():
        (file.parent / name).write_text(content, encoding="utf-8")
    for name in spec.get("dirs", []):
        (file.parent / name).mkdir()
    want = expect.get("path")
    if want == "target":
        paths = [path]
    elif want == "date-field":  # an inconsistency may be reported on either date of the pair
        paths = [p for p, v in leaves(read_yaml(file)) if isinstance(v, str) and DATE.match(v)]
    else:
        paths = None if want is None else [want]
    fragments = expect.get("message", [])
    return Variant(
        case, kind, file, expect["outcome"],
        paths=paths,
        fragments=[fragments] if isinstance(fragments, str) else list(fragments),
        present=expect.get("present", value if isinstance(value, str) else None),
    )


# --- what a correct result looks like -------------------------------------------------------

def check_docx(data: bytes, v: Variant) -> None:
    """A whole, well-formed DOCX that prints the value as written and no template tag."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name))  # raises on a corrupt part
    docx.Document(io.BytesIO(data))
    text = docx_text(data)
    assert v.present is not None
    value = normalise(apply_text(v.present))  # as written, in French typography
    assert value in text, f"{v.case}/{v.kind} : valeur absente ou modifiée dans le document"
    rest = text.replace(value, "")
    for marker in TAG_MARKERS:
        assert marker not in rest, f"{v.case}/{v.kind} : balise « {marker} » restée dans le document"


def check_message(message: str, v: Variant) -> None:
    assert str(v.file) in message, f"le message ne nomme pas le fichier : {message}"
    if v.paths is not None:
        assert any(f"{p} : " in message for p in v.paths), \
            f"le message ne nomme pas le champ ({' ou '.join(v.paths)}) : {message}"
    for fragment in v.fragments:
        assert fragment in message, f"« {fragment} » absent du message : {message}"
    assert "Traceback" not in message and 'File "' not in message


def nothing_written(folder: Path) -> None:
    left = sorted(p.name for p in folder.rglob("*")) if folder.exists() else []
    assert left == [], f"fichiers écrits malgré l'erreur : {left}"


# --- the three paths -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES)
def test_cli(case: str, kind: str, tmp_path: Path) -> None:
    v = make_variant(case, kind, tmp_path)
    out = tmp_path / "sortie" / "document.docx"
    proc = run_cli("render", kind, v.file, "-o", out)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    if v.outcome == "ok":
        assert proc.returncode == 0, proc.stderr
        check_docx(out.read_bytes(), v)
        assert sorted(p.name for p in out.parent.iterdir()) == ["document.docx"]  # no .part left
    else:
        assert proc.returncode == 2, f"statut {proc.returncode} : {proc.stderr}"
        assert proc.stderr.startswith("erreur : "), proc.stderr
        check_message(proc.stderr, v)
        nothing_written(out.parent)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES)
def test_api(case: str, kind: str, tmp_path: Path) -> None:
    v = make_variant(case, kind, tmp_path)
    out = tmp_path / "sortie" / "document.docx"
    if v.outcome == "ok":
        accordgen.render(accordgen.load(v.file), out)
        check_docx(out.read_bytes(), v)
        return
    with pytest.raises(AccordgenError) as info:
        accordgen.render(accordgen.load(v.file), out)
    check_message(str(info.value), v)
    if v.paths is not None:
        assert isinstance(info.value, ValidationError)
        paths = [p for p, _ in info.value.problems]
        assert set(v.paths) & set(paths), f"champ {v.paths} absent des problèmes {paths}"
    nothing_written(out.parent)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", NOTEBOOK_CASES)
def test_notebook(case: str, kind: str, tmp_path: Path) -> None:
    v = make_variant(case, kind, tmp_path)
    outdir = tmp_path / "sortie"
    executed = tmp_path / "executes" / "notebook.ipynb"
    kind_obj = DOCUMENT_KINDS[kind]
    if v.outcome == "ok":
        run_notebook(kind_obj, v.file, outdir, executed, output_name="document")
        check_docx((outdir / "document.docx").read_bytes(), v)
        return
    with pytest.raises(NotebookError) as info:
        run_notebook(kind_obj, v.file, outdir, executed, output_name="document")
    check_message(str(info.value), v)
    nothing_written(outdir)
    # the drafter sees the French message in the notebook, not a Python traceback
    nb = json.loads(executed.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1
    shown = "\n".join(errors[0]["traceback"])
    assert "Traceback" not in shown and "File " not in shown and ".py" not in shown, shown
    assert v.paths is None or any(p in shown for p in v.paths)


def test_catalogue_cases_are_well_formed() -> None:
    """Every case declares a known target and an expected outcome (a typo in a fixture must
    not turn a case into a test that cannot fail)."""
    known = {"text", "date", "number", "required", "type", "typo-key", "nested-typo-key",
             "accord-ref", "file"}
    allowed = {"description", "target", "value", "length", "remove", "content", "append",
               "encoding", "files", "dirs", "per_kind", "notebook", "expect"}
    assert len(CASES) >= 20
    for name in CASES:
        spec = case_data(name)
        assert set(spec) <= allowed, f"{name} : clés inconnues {set(spec) - allowed}"
        assert spec["target"] in known, name
        assert spec["expect"]["outcome"] in ("ok", "error"), name
        if spec["expect"]["outcome"] == "error" and spec["target"] not in ("file",):
            assert "path" in spec["expect"], f"{name} : une erreur de champ doit nommer le champ"
        assert set(spec.get("per_kind", {})) <= set(DOCUMENT_KINDS), name
    outcomes = {case_data(c)["expect"]["outcome"] for c in NOTEBOOK_CASES}
    assert outcomes == {"ok", "error"}


def test_every_kind_has_an_example() -> None:
    missing = [k for k in DOCUMENT_KINDS if k not in examples_by_kind()]
    assert not missing, f"types sans exemple sous examples/ : {missing}"


def test_yaml_round_trip_keeps_hostile_values(tmp_path: Path) -> None:
    """The harness itself: dumping a hostile value and reading it back gives the same value
    (otherwise a case would test something else than it says)."""
    for name in CASES:
        value = case_data(name).get("value")
        if isinstance(value, str):
            path = tmp_path / "v.yaml"
            path.write_text(dump({"v": value}), encoding="utf-8")
            assert read_yaml(path)["v"] == value, name
    assert yaml.safe_load(dump({"v": "\ud800"})) == {"v": "\ud800"}


def test_deep_nesting_is_refused_in_french(tmp_path: Path) -> None:
    """Brackets nested 100,000 deep (a file that is not YAML for a drafter) do not overflow
    Python's stack: a French message, exit status 2."""
    path = tmp_path / "profond.yaml"
    path.write_text("type: accord\nparties: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    proc = run_cli("render", "accord", path, "-o", tmp_path / "x.docx")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr == f"erreur : {path} : YAML refusé : valeurs imbriquées trop profondément\n"
