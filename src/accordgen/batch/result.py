"""The outcome of a batch, as the CLI and the notebooks show it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import AccordgenError
from .manifest import COLUMNS, DONE, FAILED, SKIPPED, Entry
from .messages import plural


@dataclass
class BatchResult:
    """The outcome of a batch: one manifest entry per row, in register order."""

    manifest: Path
    entries: list[Entry]
    seconds: float = 0.0

    def _with(self, statut: str) -> list[Entry]:
        return [e for e in self.entries if e.statut == statut]

    @property
    def done(self) -> list[Entry]:
        return self._with(DONE)

    @property
    def skipped(self) -> list[Entry]:
        return self._with(SKIPPED)

    @property
    def failed(self) -> list[Entry]:
        return self._with(FAILED)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """« N documents : X générés, Y ignorés (inchangés), Z en échec — manifeste : … »"""
        return (f"{plural(len(self.entries), 'document', 'documents')} : "
                f"{plural(len(self.done), 'généré', 'générés')}, "
                f"{plural(len(self.skipped), 'ignoré', 'ignorés')} (inchangés), "
                f"{len(self.failed)} en échec — manifeste : {self.manifest}")

    def table(self) -> Any:
        """The manifest as a pandas table indexed by register row."""
        import pandas as pd

        return pd.DataFrame([asdict(e) for e in self.entries], columns=COLUMNS).set_index("ligne")


def verifier(result: BatchResult) -> None:
    """Stop a notebook (or a script) with a French message when rows failed."""
    if result.failed:
        lines = ", ".join(str(e.ligne) for e in result.failed[:20])
        more = " ..." if len(result.failed) > 20 else ""
        raise AccordgenError(
            f"{plural(len(result.failed), 'ligne', 'lignes')} du registre en échec (lignes {lines}{more}) : "
            f"voir la colonne message du manifeste {result.manifest}")
