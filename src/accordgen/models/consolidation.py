"""Consolidated accord (``type: accord-consolide``): the accord as its amendments left it.

Printed from the accord's own template by :mod:`accordgen.kinds.consolide`. A final
consolidated version includes only the signed amendments; a draft one may also include the
dossier's draft amendments (``inclure_projets``), each named as a draft.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from .base import Statut
from .derive import DocumentDerive


class AccordConsolide(DocumentDerive):
    """Parameters of a consolidated version of the accord (``type: accord-consolide``)."""

    type: Literal["accord-consolide"] = Field(description="Toujours « accord-consolide » pour ce document.")
    jusqu_a_avenant: int | None = Field(
        default=None, ge=1, le=99,
        description="Numéro du dernier avenant intégré (par défaut : tous les avenants signés du "
        "dossier) ; pour établir la version en vigueur à une date passée.",
    )
    inclure_projets: bool = Field(
        default=False,
        description="Intégrer aussi les projets d'avenant datés (signature prévue), nommés comme "
        "projets : pour préparer la version consolidée qui accompagnera leur signature. Réservé à "
        "une version consolidée elle-même en projet (statut: projet).",
    )

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.inclure_projets and self.statut is Statut.DEFINITIF:
            yield ("inclure_projets", "une version consolidée définitive ne peut intégrer que des "
                   "avenants signés : retirez inclure_projets, ou laissez la version en projet "
                   "(statut: projet) jusqu'à la signature des avenants")
