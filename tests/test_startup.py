"""Start-up time: jsonschema's slow IRI checker (``rfc3987_syntax``, 1.3 s to import here) is
deferred to its first use by :mod:`accordgen.lazyimports`; what it checks stays the same."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys, time
start = time.perf_counter()
import accordgen, papermill
took = time.perf_counter() - start
stand_in = getattr(sys.modules.get('rfc3987_syntax'), '__accordgen_stand_in__', False)
from jsonschema import FormatChecker
checker = FormatChecker()
print(stand_in, checker.conforms('http://exämple.org/a b', 'iri'),
      checker.conforms('http://exämple.org/ab', 'iri-reference'),
      getattr(sys.modules['rfc3987_syntax'], '__accordgen_stand_in__', False), round(took, 2))
"""


def test_papermill_starts_without_building_the_iri_parsers() -> None:
    pytest.importorskip("rfc3987_syntax")
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split()
    # the stand-in at start; the first IRI check loads the real checker, which refuses a space
    assert out[:4] == ["True", "False", "True", "False"], out


def test_the_app_server_defers_it_too(tmp_path) -> None:
    """The Voilà command loads the stand-in before Voilà (``voila --version`` through it)."""
    pytest.importorskip("rfc3987_syntax")
    from accordgen.app.server import voila_command

    argv = voila_command(tmp_path / "app.ipynb", "127.0.0.1", 1, None, False)
    code = argv[2].replace("from voila.app import main\nsys.exit(main())\n",
                           "import voila.app\nprint(sys.modules['rfc3987_syntax'].__accordgen_stand_in__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
