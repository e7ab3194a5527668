"""What the kinds' notebooks call: load with a summary, render, preview.

Notebooks stay thin (a parameters cell and a few calls); the code lives here so every
kind's notebook behaves the same way. Names are French: drafters read the notebooks.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from ..dossier import Document, load
from ..errors import OutputError
from ..render import render


def charger(
    dossier_file: str | Path, kind: str, overrides: dict[str, Any] | str | None = None
) -> Document:
    """Load and validate a document; a problem stops the notebook with the French message.

    ``overrides`` replaces parameters by their dotted path (``{"signature.lieu": "Melun"}``),
    as the columns of a batch register do; papermill may pass it as a JSON string."""
    if isinstance(overrides, str):
        import json

        overrides = json.loads(overrides) if overrides.strip() else None
    return load(dossier_file, kind, overrides or None)


def resume(doc: Document) -> Any:
    """A two-column table (pandas) of what a drafter checks before generating, ending with
    the warnings (odd but possible: a postmark on a Sunday, an invalid file beside it...)."""
    import pandas as pd

    rows = doc.summary() + [("Attention", line) for line in doc.warnings()]
    table = pd.DataFrame(rows, columns=["Élément", "Valeur"]).set_index("Élément")
    return table


def chemin_sortie(doc: Document, output_dir: str | Path, output_name: str = "") -> Path:
    name = output_name or doc.output_stem
    if not name.endswith(".docx"):
        name += ".docx"
    if Path(name).name != name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise OutputError(Path(output_dir) / name,
                          f"nom de sortie refusé (« {output_name or name} ») : indiquez un simple nom de "
                          "fichier, sans dossier ni « .. » ; le document s'écrit dans output_dir")
    return Path(output_dir) / name


def generer(doc: Document, output_dir: str | Path, output_name: str = "") -> Path:
    """Render the document into ``output_dir``; returns the DOCX path."""
    return render(doc, chemin_sortie(doc, output_dir, output_name))


def comparer(ancien: str | Path | bytes, nouveau: str | Path, sortie: str | Path | None = None,
             auteur: str = "accordgen") -> Path:
    """Write NEW with its differences from OLD as Word tracked changes (by default beside NEW,
    ``<nom>-modifications.docx``), show what changed and how to review it; returns the path."""
    from IPython.display import HTML, display

    from ..tools.redline import compare_files

    nouveau = Path(nouveau)
    sortie = Path(sortie) if sortie else nouveau.with_name(f"{nouveau.stem}-modifications.docx")
    bilan = compare_files(ancien, nouveau, sortie, auteur=auteur)
    display(HTML(
        f"<p><b>Comparaison écrite :</b> <code>{escape(str(sortie))}</code> — {escape(str(bilan))}.</p>"
        "<p>Ouvrez-la dans Word (onglet <i>Révision</i>) ou LibreOffice (<i>Édition › Suivi des "
        "modifications › Gérer</i>) : chaque insertion et suppression s'y accepte ou s'y refuse.</p>"))
    return sortie


def comparer_a_l_accord(doc: Document, chemin: str | Path, auteur: str = "accordgen") -> Path:
    """The redline of a document generated from the accord's template (its consolidated
    version) against the accord as signed, regenerated from ``accord.yaml``."""
    from ..render import render_bytes

    initial = render_bytes(load(doc.accord_path, "accord"))
    return comparer(initial, chemin, auteur=auteur)


# Word styles mammoth does not map by default: the title and subtitle are headings too.
_STYLES_APERCU = """
p[style-name='Title'] => h1.accordgen-titre:fresh
p[style-name='Subtitle'] => h2.accordgen-sous-titre:fresh
"""


def apercu(docx_path: str | Path) -> Any:
    """The generated document as formatted HTML (headings, lists, bold), for JupyterLab."""
    import mammoth
    from IPython.display import HTML

    with open(docx_path, "rb") as fh:
        result = mammoth.convert_to_html(fh, style_map=_STYLES_APERCU)
    style = ("<style>.accordgen-apercu{max-width:48em;font-family:Georgia,serif;"
             "border:1px solid #ccc;padding:1em 2em;background:#fff;color:#111}"
             ".accordgen-apercu h1.accordgen-titre{text-align:center;font-size:1.3em}</style>")
    return HTML(f"{style}<div class='accordgen-apercu'>{result.value}</div>")


# --- key dates, form ------------------------------------------------------------------------


def dates_cles(doc: Document) -> Any:
    """The key dates of a document, in date order: the accord's signature and term, then the
    dates the document states or computes (new period, notice, effect, survival...)."""
    import pandas as pd

    from ..rules.fr import date_jour

    rows = sorted(doc.key_dates(), key=lambda k: k.date)
    table = pd.DataFrame([(k.label, date_jour(k.date)) for k in rows], columns=["Élément", "Date"])
    if table.empty:
        table = pd.DataFrame([("Dates", "aucune date connue (signature laissée en blanc)")],
                             columns=["Élément", "Date"])
    return table.set_index("Élément")


def formulaire(dossier_file: str | Path, output_dir: str | Path = "../outputs/notebooks",
               output_name: str = "") -> Any:
    """The document's form (fields, live checks, « Enregistrer », « Générer le document »)."""
    from .form import formulaire as _formulaire

    return _formulaire(dossier_file, output_dir, output_name)
