"""Start-up time: one slow import of the Jupyter stack, deferred to its first use.

jsonschema (imported by nbformat, papermill, jupyter_events, hence Voilà and every batch)
imports ``rfc3987_syntax`` as it starts, and that module builds about 35 Earley parsers at
import: 1.3 s on this 2-core machine, for the ``iri`` formats that no notebook or Jupyter
schema uses (python-jsonschema/jsonschema#1428). Until jsonschema loads it lazily, a stand-in
module takes its place and imports the real one at the first IRI check, so behaviour is
unchanged.

Standard library only, and no import of the accordgen package: ``accordgen app`` loads this
file alone into the Voilà server before Voilà starts (see :mod:`accordgen.app.server`).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

SLOW = "rfc3987_syntax"


def _stand_in() -> types.ModuleType:
    stand_in = types.ModuleType(SLOW, "accordgen: stand-in that imports rfc3987_syntax on first use")

    def is_valid_syntax(rule: str, value: str) -> Any:
        if sys.modules.get(SLOW) is stand_in:
            del sys.modules[SLOW]
        real = importlib.import_module(SLOW)
        stand_in.is_valid_syntax = real.is_valid_syntax  # type: ignore[attr-defined]
        return real.is_valid_syntax(rule, value)

    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__accordgen_stand_in__ = True  # type: ignore[attr-defined]
    return stand_in


def defer_slow_imports() -> None:
    """Put the stand-in in place unless the module is already imported or not installed
    (then jsonschema sees what it would have seen)."""
    if SLOW in sys.modules or "jsonschema" in sys.modules:
        return
    try:
        if importlib.util.find_spec(SLOW) is None:
            return
    except (ImportError, ValueError):
        return
    sys.modules[SLOW] = _stand_in()


defer_slow_imports()  # on import: ``import accordgen`` does it before papermill or nbformat
