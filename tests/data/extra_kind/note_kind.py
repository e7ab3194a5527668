"""A small extra document kind, defined outside accordgen: an internal information note on the
accord. It proves that a kind is one class (with its model) plus a template and a notebook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from accordgen.kinds.base import DocumentKind, KeyDate
from accordgen.models.base import Texte
from accordgen.models.derive import DocumentDerive

HERE = Path(__file__).resolve().parent


class NoteInformation(DocumentDerive):
    """Parameters of an internal note (``type: note-information``)."""

    type: Literal["note-information"] = Field(description="Toujours « note-information ».")
    destinataire: Texte = Field(description="Service destinataire de la note.")
    date_note: dt.date = Field(description="Date de la note.")
    objet: Texte = Field(description="Objet de la note.")


class NoteKind(DocumentKind):
    name = "note-information"
    label = "Note d'information"
    model = NoteInformation
    template = "note_information.docx"
    notebook = "note_information.ipynb"
    output = "note-{date_note}"

    def find_template(self, workspace: Path | None = None) -> Path:
        return HERE / self.template

    def find_notebook(self, workspace: Path | None = None) -> Path:
        return HERE / self.notebook

    def context(self, doc: Any) -> dict[str, Any]:
        terme = doc.dossier.term
        return {"accord": {"titre": doc.accord.titre_effectif,
                           "date_signature": doc.accord.signature.date},
                "destinataire": doc.params.destinataire, "objet": doc.params.objet,
                "date_note": doc.params.date_note, "fin": terme.fin if terme else None}

    def title(self, doc: Any) -> str:
        return f"Note d'information – {doc.params.objet}"

    def document_date(self, doc: Any) -> dt.date | None:
        return doc.params.date_note

    def summary(self, doc: Any) -> list[tuple[str, str]]:
        return [("Objet", doc.params.objet), ("Destinataire", doc.params.destinataire)]

    def key_dates(self, doc: Any) -> list[KeyDate]:
        return [KeyDate("Date de la note", doc.params.date_note)]
