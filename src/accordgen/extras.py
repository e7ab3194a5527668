"""Optional extras: what is missing, and the command that installs it, in French."""

from __future__ import annotations

from importlib.util import find_spec

from .errors import AccordgenError


class MissingExtraError(AccordgenError):
    """Raised when a feature needs an optional extra that is not installed (names the pip
    command that installs it)."""


def require_dask() -> None:
    """Raise MissingExtraError unless Dask distributed is importable (``--executor dask``)."""
    if find_spec("dask") is None or find_spec("distributed") is None:
        raise MissingExtraError(
            "l'exécuteur dask (--executor dask) demande Dask, qui n'est pas installé : "
            "installez-le avec « pip install \"accordgen[dask]\" » (ou utilisez l'exécuteur "
            "local, par défaut)")
