"""Base of the documents derived from an accord (avenants, conventions, letters)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from .base import Redaction, Texte


class DocumentDerive(Redaction):
    """A document whose YAML points at its dossier's ``accord.yaml`` and adds only what is new."""

    accord: Texte = Field(
        description="Chemin du fichier accord.yaml du dossier, relatif à ce fichier (« accord.yaml »)."
    )

    def problems(self) -> Iterator[tuple[str, str]]:
        """Checks that need only this document."""
        return iter(())

    def dossier_problems(self, doc: Any) -> Iterator[tuple[str, str]]:
        """Checks against the accord and the other documents of the dossier."""
        return iter(())
