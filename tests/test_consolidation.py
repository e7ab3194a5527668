"""The consolidated accord: the accord's text as its signed amendments left it."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

import accordgen
from accordgen.tools.text import document_text

from conftest import EXAMPLE, check_golden, copy_signed, golden_text, run_cli

CONSOLIDEE = EXAMPLE / "version-consolidee.yaml"

AVENANT_2 = """\
type: avenant-renouvellement
accord: accord.yaml
statut: definitif
numero: 2
deliberation:
  organe: Conseil départemental
  date: 2032-03-26
  numero: CD-2032/03/26-12
  transmission: 2032-03-30
  publication: 2032-03-31
duree: {valeur: 3, unite: ans}
representants:
  departement:
    civilite: Madame
    prenom: Anne
    nom: MARTIN
    qualite: Présidente du Conseil départemental
modifications:
  - action: clore
    axe: 3
  - action: ajouter
    axe: 7
    titre: Sobriété numérique
    contexte:
      - Le Département et Orange mesurent l'empreinte environnementale des services numériques.
    sujets:
      - Réduire la consommation des équipements,
  - action: remplacer
    axe: 5
    titre: Sport et héritage des Jeux
signature:
  lieu: Melun
  date: 2032-04-15
"""


def dossier(tmp_path: Path, *extra: tuple[str, str]) -> Path:
    """A copy of the example dossier (accord, avenant 1, consolidated version) plus files."""
    for name in ("accord.yaml", "avenant-1.yaml", "version-consolidee.yaml"):
        copy_signed(name, tmp_path / name)
    for name, text in extra:
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / "version-consolidee.yaml"


def text_of(path: Path, overrides: dict | None = None) -> str:
    return document_text(accordgen.render_bytes(accordgen.load(path, overrides=overrides)))


@pytest.fixture(scope="module")
def original() -> str:
    return text_of(EXAMPLE / "accord.yaml")


@pytest.fixture(scope="module")
def consolidee(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The consolidated version once avenant n° 1 is signed (the example's is a draft)."""
    return text_of(dossier(tmp_path_factory.mktemp("signe")))


def test_example_golden_text(tmp_path: Path) -> None:
    docx = accordgen.render(accordgen.load(CONSOLIDEE), tmp_path / "accord-consolide.docx")
    check_golden("accord-consolide.txt", golden_text(docx))


def test_differs_from_the_original_exactly_by_the_renewal(original: str, consolidee: str) -> None:
    """Every paragraph that differs from the signed accord comes from avenant n° 1: the note,
    Orange's new representative, axis 5 rewritten, the renewal; nothing else moves."""
    removed, added = [], []
    for line in difflib.unified_diff(original.splitlines(), consolidee.splitlines(), lineterm="", n=0):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
    # the comparution stays as signed; the current representative is stated in the note
    assert [line for line in added if "Claire DUMONT" in line] and \
        not [line for line in removed if "Laurence THOUVENY, dûment habilitée" in line]
    expected_added = {
        "VERSION CONSOLIDÉE AU 16 JUIN 2027",
        "Texte de l'accord signé le 1er juillet 2022, tel que modifié par l'avenant n° 1 signé le 16 juin "
        "2027. Cette version consolidée est un document de lecture : seuls l'accord et ses avenants "
        "signés font foi. Représentants des Parties à la date de cette version : Monsieur Jean-François "
        "PARIGI, Président du Conseil départemental, pour le Département ; Madame Claire DUMONT, "
        "Directrice Orange Île-de-France, pour Orange (la comparution ci-dessous est celle de l'accord "
        "signé).",
        "[Modifié (contexte, introduction des sujets et sujets) par l'avenant n° 1 signé le 16 juin 2027]",
        "Par l'avenant n° 1 signé le 16 juin 2027, l'Accord a été renouvelé pour une période de cinq "
        "(5) ans, soit du 1er juillet 2027 au 30 juin 2032 inclus.",
        "Signatures de l'accord initial ; chaque avenant porte les signatures de ses propres signataires.",
        "Faire vivre l'héritage des Jeux de Paris 2024 sur le territoire,",
        "Promouvoir la pratique sportive pour tous, et notamment le parasport,",
    }
    assert expected_added <= set(added)
    others = set(added) - expected_added
    # the rest of what was added is Orange's comparution and axis 5's new context
    assert all("Claire DUMONT" in line or "héritage" in line or "renouvellement de la présente coopération" in line
               or line.startswith("Dans ce contexte") for line in others), others
    # what was removed is Orange's former comparution and axis 5's former text, nothing else
    axe5 = original.split("Axe de coopération n° 5")[1].split("Axe de coopération n° 6")[0]
    assert all("Laurence THOUVENY, dûment habilitée" in line or line in axe5 for line in removed), removed


def test_signature_blocks_stay_those_of_the_initial_accord(consolidee: str) -> None:
    signatures = consolidee.split("Fait à Melun, le 1er juillet 2022")[1]
    assert "Laurence THOUVENY" in signatures and "Claire DUMONT" not in signatures


def test_two_amendments_close_add_rename_and_renew_twice(tmp_path: Path) -> None:
    path = dossier(tmp_path, ("avenant-2.yaml", AVENANT_2))
    text = text_of(path)
    assert ("tel que modifié par l'avenant n° 1 signé le 16 juin 2027 et l'avenant n° 2 signé le "
            "15 avril 2032.") in text
    assert "VERSION CONSOLIDÉE AU 15 AVRIL 2032" in text
    # axis 3 closed: its heading and the mention, then directly axis 4
    axe3 = text.split("Axe de coopération n° 3 : ")[1].split("Axe de coopération n° 4")[0]
    assert axe3.splitlines()[1:] == ["[Axe clos par l'avenant n° 2 signé le 15 avril 2032]"]
    # axis 5 renamed by n° 2 after its rewriting by n° 1
    assert "Axe de coopération n° 5 : Sport et héritage des Jeux" in text
    assert ("[Modifié (contexte, introduction des sujets et sujets) par l'avenant n° 1 signé le 16 juin "
            "2027 ; Modifié (intitulé) par l'avenant n° 2 signé le 15 avril 2032]") in text
    # axis 7 added after axis 6
    assert text.index("Axe de coopération n° 7 : Sobriété numérique") > text.index("Axe de coopération n° 6")
    assert "[Axe ajouté par l'avenant n° 2 signé le 15 avril 2032]" in text
    assert "soit du 1er juillet 2027 au 30 juin 2032 inclus." in text
    assert ("Par l'avenant n° 2 signé le 15 avril 2032, l'Accord a été renouvelé pour une période de "
            "trois (3) ans, soit du 1er juillet 2032 au 30 juin 2035 inclus.") in text
    assert "Madame Anne MARTIN, Présidente du Conseil départemental, pour" in text
    # up to n° 1 only: none of n° 2
    first = text_of(path, {"jusqu_a_avenant": 1})
    assert "Sobriété numérique" not in first and "Anne MARTIN" not in first and "clos" not in first
    assert "VERSION CONSOLIDÉE AU 16 JUIN 2027" in first


def test_an_unsigned_amendment_is_left_out_and_said(tmp_path: Path) -> None:
    path = dossier(tmp_path, ("avenant-2.yaml", AVENANT_2.replace("  date: 2032-04-15\n", "")))
    assert "Sobriété numérique" not in text_of(path)
    proc = run_cli("check", "accord-consolide", path)
    assert proc.returncode == 0, proc.stderr
    assert "Non intégrés (non signés) : avenant n° 2 (avenant-2.yaml)" in proc.stdout


@pytest.mark.parametrize(("files", "overrides", "field", "message"), [
    ((), {"jusqu_a_avenant": 3}, "jusqu_a_avenant",
     "pas d'avenant intégrable n° 3 dans le dossier (avenants intégrables : n° 1)"),
    ((("avenant-1.yaml", None),), {}, "accord",
     "le dossier ne compte aucun avenant signé"),
    ((("avenant-2.yaml", AVENANT_2.replace("date: 2032-04-15", "date: 2035-04-15")),), {}, "accord",
     "l'avenant n° 2 du dossier (avenant-2.yaml) ne peut être intégré : daté du 15 avril 2035, hors du "
     "terme en vigueur"),
])
def test_what_cannot_be_consolidated_is_refused(tmp_path: Path, files, overrides, field, message) -> None:
    path = dossier(tmp_path)
    for name, text in files:
        if text is None:
            (tmp_path / name).unlink()
        else:
            (tmp_path / name).write_text(text, encoding="utf-8")
    for key, value in overrides.items():
        path.write_text(path.read_text(encoding="utf-8") + f"{key}: {value}\n", encoding="utf-8")
    out = tmp_path / "out.docx"
    proc = run_cli("render", "accord-consolide", path, "-o", out)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    flat = " ".join(proc.stderr.split())
    assert str(path) in flat and field in flat and message in flat
    assert not out.exists()


def test_a_change_in_an_amendment_changes_the_consolidated_version(tmp_path: Path) -> None:
    """Batch runs skip a document whose inputs hash is unchanged: the amendments it includes
    are among its inputs."""
    from accordgen.render import inputs_hash

    path = dossier(tmp_path)
    before = inputs_hash(accordgen.load(path))
    avenant = tmp_path / "avenant-1.yaml"
    avenant.write_text(avenant.read_text(encoding="utf-8").replace("prenom: Claire", "prenom: Claude"),
                       encoding="utf-8")
    after = accordgen.load(path)
    assert before != inputs_hash(after)
    assert "Madame Claude DUMONT" in document_text(accordgen.render_bytes(after))


@pytest.mark.slow
def test_the_notebook_writes_the_version_and_its_redline_against_the_signed_accord(tmp_path: Path) -> None:
    """Run through papermill as ``make demo`` does: the consolidated DOCX, and beside it the
    redline whose revisions are the renewal's changes; a batch run (par_lot) writes no redline."""
    import zipfile

    from accordgen.kinds import get_kind
    from accordgen.runner import run_notebook

    kind = get_kind("accord-consolide")
    (tmp_path / "dossier").mkdir()
    source = dossier(tmp_path / "dossier")  # avenant n° 1 signed
    run_notebook(kind, source, tmp_path, tmp_path / "run.ipynb", output_name="version-consolidee")
    redline = tmp_path / "version-consolidee-modifications.docx"
    assert (tmp_path / "version-consolidee.docx").is_file() and redline.is_file()
    with zipfile.ZipFile(redline) as zf:
        body = zf.read("word/document.xml").decode()
    assert "Claire DUMONT" in body and "<w:ins " in body  # the note naming today's representative
    assert body.count("<w:ins ") > 10
    # the version itself opens on its title and the consolidation note
    assert document_text(tmp_path / "version-consolidee.docx").startswith(
        "ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT DE SEINE-ET-MARNE ET ORANGE\nVERSION CONSOLIDÉE")

    batch_dir = tmp_path / "lot"
    run_notebook(kind, CONSOLIDEE, batch_dir, tmp_path / "lot.ipynb", output_name="v.docx",
                 extra={"par_lot": True})
    assert sorted(p.name for p in batch_dir.iterdir()) == ["v.docx"]
