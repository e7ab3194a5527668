"""The dossier overview: every document with its status, and the timeline of what is in force."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from accordgen import load, render
from accordgen.notebook.overview import Overview as Dossier

from conftest import EXAMPLE, ROOT

D = dt.date


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "dossier")
    return tmp_path / "dossier"


def test_the_example_dossier_lists_every_document_as_valid(tmp_path: Path) -> None:
    table = Dossier(EXAMPLE, tmp_path / "out").table()
    assert list(table.columns) == ["Fichier", "Type", "Numéro", "Statut", "Rédaction", "Généré"]
    rows = {r["Fichier"]: r for r in table.to_dict("records")}
    expected = {"accord.yaml", "avenant-1.yaml", "version-consolidee.yaml",
                "scenarios/lettre-resiliation-2023.yaml",
                *(f"convention-{n}.yaml" for n in range(1, 7))}
    assert set(rows) == expected
    assert table["Fichier"].iloc[0] == "accord.yaml"
    assert table["Fichier"].iloc[-1] == "scenarios/lettre-resiliation-2023.yaml"  # set aside last
    assert all(r["Statut"] == "✔ valide" for r in rows.values())
    assert all(r["Généré"] == "non" for r in rows.values())
    assert rows["avenant-1.yaml"]["Type"] == "Avenant de renouvellement"
    assert rows["avenant-1.yaml"]["Numéro"] == "1"
    assert rows["avenant-1.yaml"]["Rédaction"] == "projet, version 2 du 20/11/2026"
    assert rows["accord.yaml"]["Rédaction"] == "définitif"
    assert rows["convention-4.yaml"]["Numéro"] == "4" and rows["accord.yaml"]["Numéro"] == ""


def test_generated_documents_are_found_in_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    doc = load(EXAMPLE / "accord.yaml")
    render(doc, out / "accord.docx")  # the notebooks' name (the kind's output pattern)
    conv = load(EXAMPLE / "convention-2.yaml")
    render(conv, out / "convention-2.docx")  # `make demo`'s name (the YAML's)
    rows = {r["Fichier"]: r for r in Dossier(EXAMPLE, out).table().to_dict("records")}
    assert rows["accord.yaml"]["Généré"] == "oui (accord.docx)"
    assert rows["convention-2.yaml"]["Généré"] == "oui (convention-2.docx)"
    assert rows["convention-1.yaml"]["Généré"] == "non"


def test_an_invalid_document_shows_its_first_problem_and_has_no_bar(dossier: Path) -> None:
    path = dossier / "convention-2.yaml"
    text = path.read_text(encoding="utf-8")
    assert "date_fin: 2023-12-31" in text
    path.write_text(text.replace("date_fin: 2023-12-31", "date_fin: 2023-02-30"), encoding="utf-8")
    (dossier / "notes.yaml").write_text("auteur: service juridique\n", encoding="utf-8")  # no type
    (dossier / "casse.yaml").write_text("type: [accord\n", encoding="utf-8")
    overview = Dossier(dossier)
    rows = {r["Fichier"]: r for r in overview.table().to_dict("records")}
    assert rows["convention-2.yaml"]["Statut"].startswith("✗ date_fin : date invalide ou impossible")
    assert "2023-02-30" in rows["convention-2.yaml"]["Statut"]
    assert rows["casse.yaml"]["Statut"].startswith("✗ YAML illisible")
    assert "notes.yaml" not in rows
    assert rows["convention-1.yaml"]["Statut"] == "✔ valide"
    labels = [p.libelle for p in overview.liste_periodes]
    assert "Convention spécifique n° 2 (axe 2)" not in labels
    assert "Convention spécifique n° 1 (axe 1)" in labels


def test_periods_of_the_example_dossier() -> None:
    periods = {p.libelle: p for p in Dossier(EXAMPLE).liste_periodes}
    accord = periods["Accord — terme initial"]
    assert (accord.debut, accord.fin, accord.categorie) == (D(2022, 7, 1), D(2027, 6, 30), "accord")
    renewal = periods["Avenant de renouvellement n° 1 (projet)"]  # a draft is named as such
    assert (renewal.debut, renewal.fin, renewal.categorie) == (D(2027, 7, 1), D(2032, 6, 30), "renouvellement")
    conv = periods["Convention spécifique n° 4 (axe 4)"]
    assert (conv.debut, conv.fin) == (D(2022, 12, 1), D(2023, 12, 31))
    notice = periods["Préavis de résiliation (envoi le 03/03/2023)"]
    assert (notice.debut, notice.fin, notice.hypothese) == (D(2023, 3, 3), D(2023, 3, 18), True)
    survival = periods["Confidentialité après résiliation"]
    assert (survival.debut, survival.fin) == (D(2023, 3, 19), D(2028, 3, 18))
    assert not renewal.hypothese and not conv.hypothese


def test_timeline_is_an_image_with_one_bar_per_period() -> None:
    overview = Dossier(EXAMPLE)
    fig = overview.frise(today=D(2025, 1, 15))
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_height() == pytest.approx(0.6)]
    assert len(bars) == len(overview.liste_periodes) == 10
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Accord — terme initial" and labels[1] == "Avenant de renouvellement n° 1 (projet)"
    assert labels[-1] == "Confidentialité après résiliation (scénario)"
    assert "aujourd'hui (15/01/2025)" in [t.get_text() for t in ax.texts]
    from io import BytesIO

    buf = BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")


def test_periods_table_in_words() -> None:
    table = Dossier(EXAMPLE).periodes().replace("\xa0", " ", regex=True)
    row = table[table["Période"] == "Avenant de renouvellement n° 1 (projet)"].iloc[0]
    assert (row["Du"], row["Au (inclus)"]) == ("1er juillet 2027", "30 juin 2032")


@pytest.mark.slow
def test_overview_notebook_runs_through_papermill(tmp_path: Path) -> None:
    """The overview notebook, as papermill runs it: a table and a timeline image."""
    import papermill as pm

    from accordgen.runner import LocalKernelManager

    executed = tmp_path / "dossier.ipynb"
    pm.execute_notebook(
        str(ROOT / "notebooks" / "dossier.ipynb"), str(executed),
        parameters={"dossier_dir": str(EXAMPLE), "output_dir": str(tmp_path / "out")},
        kernel_name="python3", cwd=str(tmp_path), progress_bar=False,
        kernel_manager_class=f"{LocalKernelManager.__module__}.{LocalKernelManager.__name__}")
    cells = [c for c in json.loads(executed.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    outputs = [o for c in cells for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    html = "".join("".join(o["data"].get("text/html", "")) for o in outputs if "data" in o)
    assert "convention-4.yaml" in html and "✔ valide" in html and "Généré" in html
    assert "1er juillet 2027" in html.replace("\xa0", " ")
