"""Stop a notebook at its first failed cell, in papermill runs and in JupyterLab's « Run All ».

JupyterLab sends every cell of a « Run All » to the kernel at once; the kernel drops the queued
ones after an error only if they reached it in time (ipykernel's ``stop_on_error_timeout``), so
a cell after a failed one may still run and write a document. Each code cell after the
parameters cell therefore starts with :func:`arreter_si_erreur`, which fails when the cell run
just before it failed: the failure propagates down the notebook and nothing after it runs.
"""

from __future__ import annotations

from ..errors import AccordgenError


class CelluleNonExecutee(AccordgenError):
    """Raised by the guard: an earlier cell failed, this one does nothing."""

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[33m{self}\x1b[0m"]


MESSAGE = ("Cellule non exécutée : la cellule précédente a échoué. Corrigez l'erreur signalée "
           "plus haut, puis relancez le notebook depuis le début (Exécuter › Tout exécuter).")


def arreter_si_erreur() -> None:
    """Raise when the cell executed just before this one failed (a syntax error, an
    exception, or this same guard). Outside IPython (a plain script), do nothing."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    shell = get_ipython()
    if shell is not None and not getattr(shell, "last_execution_succeeded", True):
        raise CelluleNonExecutee(MESSAGE)
