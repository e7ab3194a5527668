"""Reproducible outputs: the same inputs give a byte-identical DOCX (in one process, in two
processes, through the notebook, from another folder), so reviewers and the batch manifest can
compare hashes; changing one value changes the bytes and the inputs hash the DOCX carries."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

import accordgen
from accordgen import DOCUMENT_KINDS
from accordgen.dossier import set_path
from accordgen.render import inputs_hash
from accordgen.runner import run_notebook
from accordgen.tools.text import document_text
from accordgen.yamlio import read_yaml
from examples_support import (
    EXAMPLES,
    base_example,
    copy_dossier,
    dump,
    kinds_with_example,
    printed_values,
)

from conftest import EXAMPLE, CoreProps, copy_signed

KINDS = kinds_with_example()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def core(data: bytes) -> CoreProps:
    return CoreProps(data)


@pytest.mark.parametrize("kind", KINDS)
def test_same_inputs_same_bytes(kind: str) -> None:
    first = accordgen.render_bytes(accordgen.load(base_example(kind)))
    second = accordgen.render_bytes(accordgen.load(base_example(kind)))
    assert first == second


@pytest.mark.parametrize("kind", KINDS)
def test_properties_carry_title_kind_and_inputs_hash(kind: str) -> None:
    doc = accordgen.load(base_example(kind))
    context = doc.context()
    props = core(accordgen.render_bytes(doc))
    assert props.title == context["titre_document"]
    assert props.subject == DOCUMENT_KINDS[kind].label
    statut = context["statut"]
    # then the clause variants the document uses, if any (« clause litiges=tribunal-administratif »)
    assert props.keywords.split("; clause ")[0] == f"accordgen; {kind}; {statut['code']}"
    assert props.comments == f"accordgen {kind} {statut['code']} sha256:{inputs_hash(doc)}"
    assert re.fullmatch(r"accordgen \S+ (projet|definitif) sha256:[0-9a-f]{64}", props.comments)
    assert props.author == "accordgen" and props.language == "fr-FR"
    assert props.content_status == statut["libelle"]
    # a draft is dated by its version, the final text by its signature
    when = (statut["date"] if statut["projet"] else None) or context.get("date_document") \
        or context.get("date_signature")
    if when:
        assert props.created.date() == when and props.modified.date() == when
    else:
        assert props.created is None


@pytest.mark.parametrize("kind", KINDS)
def test_one_changed_value_changes_bytes_and_hash(kind: str, tmp_path: Path) -> None:
    example = base_example(kind)
    original = accordgen.load(example)
    copy = copy_dossier(example, tmp_path)
    raw = read_yaml(copy)
    printed = printed_values(kind).verbatim
    if not printed:
        pytest.skip(f"sans objet pour {kind} : son exemple n'a aucune valeur imprimée telle quelle")
    path = printed[0]
    set_path(raw, path, "Valeur modifiée pour la relecture")
    copy.write_text(dump(raw), encoding="utf-8")
    changed = accordgen.load(copy)
    before, after = accordgen.render_bytes(original), accordgen.render_bytes(changed)
    assert before != after
    assert inputs_hash(original) != inputs_hash(changed)
    assert core(before).comments != core(after).comments
    statut = changed.params.statut.value  # type: ignore[attr-defined]
    assert core(after).comments == f"accordgen {kind} {statut} sha256:{inputs_hash(changed)}"


@pytest.mark.parametrize("kind", KINDS)
def test_same_dossier_elsewhere_same_bytes(kind: str, tmp_path: Path) -> None:
    """The hash is of the inputs' content, not of where the files are: a reviewer's copy of the
    dossier gives the same document. Comments and key order in the YAML do not matter either."""
    example = base_example(kind)
    copy = copy_dossier(example, tmp_path)
    copy.write_text(dump(read_yaml(copy)), encoding="utf-8")  # comments and layout dropped
    assert accordgen.render_bytes(accordgen.load(copy)) == accordgen.render_bytes(accordgen.load(example))


def test_a_change_in_the_accord_changes_a_derived_document(tmp_path: Path) -> None:
    derived = [k for k in KINDS if k != "accord"]
    if not derived:
        pytest.skip("aucun type dérivé de l'accord n'a d'exemple")
    kind = derived[0]
    example = base_example(kind)
    copy = copy_dossier(example, tmp_path)
    accord_file = (copy.parent / read_yaml(copy)["accord"]).resolve()
    raw = read_yaml(accord_file)
    raw["clauses"]["juridiction"] = "tribunal judiciaire de Melun"
    accord_file.write_text(dump(raw), encoding="utf-8")
    assert inputs_hash(accordgen.load(copy)) != inputs_hash(accordgen.load(example))


def test_a_change_in_the_template_changes_the_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = accordgen.load(EXAMPLE / "accord.yaml")
    before = inputs_hash(doc)
    template = docx.Document(str(DOCUMENT_KINDS["accord"].template_path))
    template.add_paragraph("Paraphe : ____")
    template.save(str(tmp_path / "accord.docx"))
    monkeypatch.setenv("ACCORDGEN_TEMPLATES", str(tmp_path))
    assert inputs_hash(doc) != before


def test_archive_metadata_is_fixed() -> None:
    data = accordgen.render_bytes(accordgen.load(EXAMPLE / "accord.yaml"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        template_order = zipfile.ZipFile(DOCUMENT_KINDS["accord"].template_path).namelist()
    assert [i.filename for i in infos] == template_order
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr for i in infos} == {0o644 << 16}


def test_two_processes_give_the_same_file(tmp_path: Path) -> None:
    """Different hash seeds (set and dict order), different working folders, same bytes."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}" / "accord.docx"
        out.parent.mkdir()
        proc = subprocess.run(
            [sys.executable, "-m", "accordgen", "render", "accord", str(EXAMPLE / "accord.yaml"), "-o", str(out)],
            capture_output=True, text=True, cwd=out.parent, timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONIOENCODING": "utf-8"},
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert sha256(outs[0]) == sha256(accordgen.render_bytes(accordgen.load(EXAMPLE / "accord.yaml")))


@pytest.mark.slow
def test_notebook_and_api_give_the_same_file(tmp_path: Path) -> None:
    run_notebook(DOCUMENT_KINDS["accord"], EXAMPLE / "accord.yaml", tmp_path / "out",
                 tmp_path / "executed.ipynb", output_name="accord")
    notebook_bytes = (tmp_path / "out" / "accord.docx").read_bytes()
    assert notebook_bytes == accordgen.render_bytes(accordgen.load(EXAMPLE / "accord.yaml"))


def test_yaml_dump_helper_is_faithful() -> None:
    """The helper used above rewrites a YAML without changing its values."""
    raw = read_yaml(EXAMPLE / "accord.yaml")
    assert yaml.safe_load(dump(raw)) == raw


AVENANT_2 = """\
type: avenant-renouvellement
accord: accord.yaml
statut: definitif
numero: 2
deliberation: {organe: Conseil départemental, date: 2032-03-26, transmission: 2032-03-30,
               publication: 2032-03-31}
signature: {lieu: Melun, date: 2032-04-15}
"""


def test_a_document_that_follows_an_amendment_changes_hash_with_it(tmp_path: Path) -> None:
    """Batch runs skip a row whose inputs hash is unchanged: a document that prints what an
    earlier amendment set (a representative) must see its hash change with that amendment."""
    folder = tmp_path / "dossier"
    shutil.copytree(EXAMPLES / "seine-et-marne-orange-2022", folder)
    copy_signed("avenant-1.yaml", folder / "avenant-1.yaml")  # signed: avenant-2 follows it
    (folder / "avenant-2.yaml").write_text(AVENANT_2, encoding="utf-8")
    convention = folder / "convention-1.yaml"  # unsigned: it implements the accord as it stands
    convention.write_text(convention.read_text(encoding="utf-8").replace("date_signature: 2022-10-20\n", ""),
                          encoding="utf-8")
    followers = [folder / "avenant-2.yaml", convention, folder / "version-consolidee.yaml"]

    def state() -> list[tuple[str, str]]:
        docs = [accordgen.load(path) for path in followers]
        return [(document_text(accordgen.render_bytes(d)), inputs_hash(d)) for d in docs]

    before = state()
    avenant_1 = folder / "avenant-1.yaml"
    avenant_1.write_text(avenant_1.read_text(encoding="utf-8").replace("nom: DUMONT", "nom: DURAND"),
                         encoding="utf-8")
    for path, (text, digest), (text_after, digest_after) in zip(followers, before, state(), strict=True):
        assert "DURAND" in text_after and text_after != text, path.name
        assert digest_after != digest, f"{path.name} : texte changé, empreinte inchangée"
