"""What the kinds' notebooks call: load with a summary, render, preview.

Notebooks stay thin (a parameters cell and a few calls); the code lives here so every
kind's notebook behaves the same way. Names are French: drafters read the notebooks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .dossier import Document, load
from .render import render


def charger(dossier_file: str | Path, kind: str) -> Document:
    """Load and validate a document; a problem stops the notebook with the French message."""
    return load(dossier_file, kind)


def resume(doc: Document) -> Any:
    """A two-column table (pandas) of what a drafter checks before generating."""
    import pandas as pd

    rows = doc.params.resume(doc)  # type: ignore[attr-defined]
    table = pd.DataFrame(rows, columns=["Élément", "Valeur"]).set_index("Élément")
    return table


def chemin_sortie(doc: Document, output_dir: str | Path, output_name: str = "") -> Path:
    name = output_name or doc.output_stem
    if not name.endswith(".docx"):
        name += ".docx"
    return Path(output_dir) / name


def generer(doc: Document, output_dir: str | Path, output_name: str = "") -> Path:
    """Render the document into ``output_dir``; returns the DOCX path."""
    return render(doc, chemin_sortie(doc, output_dir, output_name))


def apercu(docx_path: str | Path) -> Any:
    """The generated document as formatted HTML (headings, lists, bold), for JupyterLab."""
    import mammoth
    from IPython.display import HTML

    with open(docx_path, "rb") as fh:
        result = mammoth.convert_to_html(fh)
    style = ("<style>.accordgen-apercu{max-width:48em;font-family:Georgia,serif;"
             "border:1px solid #ccc;padding:1em 2em;background:#fff;color:#111}</style>")
    return HTML(f"{style}<div class='accordgen-apercu'>{result.value}</div>")
