"""The registry of document kinds, written as data: one line per kind.

A kind ties a name (used by the CLI, the register and the ``type`` field of a YAML file)
to its parameter model, its template, its notebook and the name of its output file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import resources
from .errors import UnknownKindError
from .models.accord import Accord
from .models.avenant import AvenantRenouvellement
from .models.base import Modele
from .models.consolidation import AccordConsolide
from .models.convention import ConventionSpecifique
from .models.lettre import LettreResiliation


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    model: type[Modele]
    template: str
    notebook: str
    output: str  # str.format pattern over the document's parameters, without ".docx"

    @property
    def template_path(self) -> Path:
        """The current workspace's template for this kind, else the packaged one."""
        return resources.template_path(self.template)

    @property
    def notebook_path(self) -> Path:
        """The current workspace's notebook for this kind, else the packaged one."""
        return resources.notebook_path(self.notebook)


DOCUMENT_KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("accord", "Accord de coopération", Accord, "accord.docx", "accord.ipynb", "accord"),
        Kind("avenant-renouvellement", "Avenant de renouvellement", AvenantRenouvellement,
             "avenant_renouvellement.docx", "avenant_renouvellement.ipynb", "avenant-{numero}"),
        Kind("convention-specifique", "Convention spécifique", ConventionSpecifique,
             "convention_specifique.docx", "convention_specifique.ipynb", "convention-specifique-{numero}"),
        Kind("accord-consolide", "Version consolidée de l'accord", AccordConsolide,
             "accord.docx", "accord_consolide.ipynb", "accord-consolide"),
        Kind("lettre-resiliation", "Lettre de résiliation (LRAR)", LettreResiliation,
             "lettre_resiliation.docx", "lettre_resiliation.ipynb", "lettre-resiliation-{date_envoi}"),
    )
}


def get_kind(name: str) -> Kind:
    try:
        return DOCUMENT_KINDS[name]
    except KeyError:
        known = ", ".join(DOCUMENT_KINDS)
        raise UnknownKindError(f"type de document inconnu : « {name} » (types connus : {known})") from None
