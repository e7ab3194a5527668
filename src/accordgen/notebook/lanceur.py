"""What a notebook's form cell shows: a button « Ouvrir le formulaire » that builds the form
(:class:`~accordgen.notebook.form.Formulaire`) on demand, so batch runs stay light."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as W

from .form import Formulaire
from .labels import esc

__all__ = ["Lanceur", "formulaire"]


class Lanceur:
    """What the notebook cell shows: a button that opens the form. The form's hundreds of
    widgets are built only on demand, so batch runs (papermill) stay light."""

    def __init__(self, dossier_file: Path | str, output_dir: Path | str = "",
                 output_name: str = "") -> None:
        self.args = (dossier_file, output_dir, output_name)
        self.formulaire: Formulaire | None = None
        self.bouton = W.Button(description="Ouvrir le formulaire", icon="edit", button_style="primary",
                               layout=W.Layout(width="auto"),
                               tooltip=f"Modifier {Path(dossier_file).name} dans un formulaire")
        self.bouton.add_class("accordgen-ouvrir")
        self.bouton.on_click(lambda _b: self.ouvrir())
        hint = W.HTML(f"<span style='color:#555'>Fichier : <code>{esc(dossier_file)}</code></span>")
        self.widget = W.VBox([W.HBox([self.bouton, hint], layout=W.Layout(align_items="center"))])
        self.widget.add_class("accordgen-lanceur")

    def ouvrir(self) -> Formulaire:
        """Build the form (once) and show it in place of the button."""
        if self.formulaire is None:
            self.bouton.description, self.bouton.disabled = "Ouverture…", True
            self.formulaire = Formulaire(*self.args)
            self.widget.children = (self.formulaire.widget,)
        return self.formulaire

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def formulaire(dossier_file: Path | str, output_dir: Path | str = "",
               output_name: str = "") -> Lanceur:
    """The form of a document's YAML file, behind a button « Ouvrir le formulaire »."""
    return Lanceur(dossier_file, output_dir, output_name)
