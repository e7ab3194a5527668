"""Faults while writing: a full or read-only output folder, a bad output path, an interrupted
render. The drafter gets a French message naming the file; nothing partial is ever left under
the final name, and a previous document there stays whole."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import accordgen
from accordgen.errors import OutputError
from accordgen.render import output as render_output
from accordgen.render import template as render_template

from conftest import EXAMPLE, ROOT, run_cli

PREVIOUS = b"PK\x03\x04 previous document (a DOCX is a zip), must survive"


@pytest.fixture(scope="module")
def doc() -> accordgen.Document:
    return accordgen.load(EXAMPLE / "accord.yaml")


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def failing(exc: BaseException):  # type: ignore[no-untyped-def]
    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise exc
    return fail


@pytest.mark.parametrize(("where", "code", "message"), [
    ("fsync", errno.ENOSPC, "disque plein : aucun fichier n'a été écrit"),
    ("fsync", errno.EDQUOT, "quota disque dépassé"),
    ("fsync", errno.EIO, "erreur d'entrée-sortie du disque"),
    ("replace", errno.EROFS, "le dossier de sortie est en lecture seule"),
    ("replace", errno.EACCES, "écriture refusée (droits insuffisants sur le dossier de sortie)"),
    ("mkstemp", errno.EROFS, "le dossier de sortie est en lecture seule"),
    ("mkstemp", errno.ENOSPC, "disque plein"),
])
@pytest.mark.parametrize("existing", [False, True])
def test_write_failure_leaves_nothing(where: str, code: int, message: str, existing: bool,
                                      doc: accordgen.Document, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "accord.docx"
    if existing:
        out.write_bytes(PREVIOUS)
    before = folder_state(tmp_path)
    target = {"fsync": (render_output.os, "fsync"), "replace": (render_output.os, "replace"),
              "mkstemp": (render_output.tempfile, "mkstemp")}[where]
    monkeypatch.setattr(*target, failing(OSError(code, os.strerror(code))))
    with pytest.raises(OutputError) as info:
        accordgen.render(doc, out)
    assert str(info.value) == f"{out} : {message}" or str(info.value).startswith(f"{out} : {message}")
    assert folder_state(tmp_path) == before  # no .part, previous document untouched


def test_unknown_os_error_is_still_french(doc: accordgen.Document, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_output.os, "fsync", failing(OSError(errno.ETXTBSY, "Text file busy")))
    with pytest.raises(OutputError, match=r"écriture impossible \(erreur système \d+ : Text file busy\)"):
        accordgen.render(doc, tmp_path / "accord.docx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), SystemExit(143), MemoryError()])
def test_interrupted_write_leaves_nothing_under_the_final_name(
        interrupt: BaseException, doc: accordgen.Document, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "accord.docx"
    out.write_bytes(PREVIOUS)
    monkeypatch.setattr(render_output.os, "fsync", failing(interrupt))
    with pytest.raises(type(interrupt)):
        accordgen.render(doc, out)
    assert folder_state(tmp_path) == {"accord.docx": PREVIOUS}


def test_render_failure_before_writing_leaves_nothing(doc: accordgen.Document, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An error while building the document (here, in a filter) writes nothing at all."""
    monkeypatch.setitem(render_template.ENV.filters, "date_longue", failing(ValueError("panne")))
    with pytest.raises(accordgen.TemplateError, match="erreur d'un filtre ou d'une expression : panne"):
        accordgen.render(doc, tmp_path / "sortie" / "accord.docx")
    assert not (tmp_path / "sortie").exists()


# --- real paths, through the command line ---------------------------------------------------

@pytest.mark.parametrize(("output", "message"), [
    ("fichier.txt/accord.docx", "le chemin de sortie traverse un fichier qui n'est pas un dossier"),
    ("fichier.txt/sous-dossier/accord.docx", "le chemin de sortie traverse un fichier qui n'est pas un dossier"),
    ("dossier", "c'est un dossier : indiquez un nom de fichier (.docx)"),
    ("/proc/accordgen-essai/accord.docx", "dossier de sortie introuvable et impossible à créer"),
    ("/sys/accordgen-essai.docx", "écriture refusée (droits insuffisants sur le dossier de sortie)"),
    ("x" * 300 + ".docx", "nom de fichier trop long"),
])
def test_cli_bad_output_path(output: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "fichier.txt").write_text("un fichier, pas un dossier", encoding="utf-8")
    (tmp_path / "dossier").mkdir()
    before = sorted(p.name for p in tmp_path.rglob("*"))
    out = Path(output) if output.startswith("/") else tmp_path / output
    proc = run_cli("render", "accord", EXAMPLE / "accord.yaml", "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == f"erreur : {out} : {message}\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not os.path.isfile(out)


SLOW_WRITE = """
import sys, time
import accordgen.cli
from accordgen.render import output as render_output
def slow_fsync(fd):
    print("écriture en cours", flush=True)
    time.sleep(60)
render_output.os.fsync = slow_fsync
sys.exit(accordgen.cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_cli_killed_mid_write(sig: signal.Signals, tmp_path: Path) -> None:
    """A render stopped while its file is being written: Ctrl-C cleans up and says so; even a
    SIGKILL (no clean-up possible) leaves nothing under the final name."""
    out = tmp_path / "accord.docx"
    out.write_bytes(PREVIOUS)
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, "render", "accord", str(EXAMPLE / "accord.yaml"), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "écriture en cours"
    parts = [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert len(parts) == 1  # the temporary file is being written beside the final name
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert out.read_bytes() == PREVIOUS
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and err == "interrompu\n"
        assert [p.name for p in tmp_path.iterdir()] == ["accord.docx"]
    else:
        assert proc.returncode == -signal.SIGKILL


def test_a_leftover_part_file_does_not_disturb_the_next_render(doc: accordgen.Document,
                                                               tmp_path: Path) -> None:
    stale = tmp_path / ".accord.docx.abc123.part"
    stale.write_bytes(b"half")
    accordgen.render(doc, tmp_path / "accord.docx")
    assert (tmp_path / "accord.docx").read_bytes() == accordgen.render_bytes(doc)
    assert stale.read_bytes() == b"half"


def test_unexpected_error_exits_3_without_traceback(tmp_path: Path) -> None:
    """The last resort: a bug (here a kind whose context method crashes) gives exit status 3 and a
    French line, never a Python traceback."""
    script = (
        "import sys, accordgen.kinds.accord as m, accordgen.cli\n"
        "def boom(self, doc=None): raise RuntimeError('bogue simulé')\n"
        "m.AccordKind.context = boom\n"
        "sys.exit(accordgen.cli.main(sys.argv[1:]))\n"
    )
    out = tmp_path / "accord.docx"
    proc = subprocess.run(
        [sys.executable, "-c", script, "render", "accord", str(EXAMPLE / "accord.yaml"), "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={k: v for k, v in os.environ.items() if k != "ACCORDGEN_DEBUG"},
    )
    assert proc.returncode == 3
    assert proc.stderr == ("erreur interne inattendue (RuntimeError : bogue simulé). "
                           "Merci de la signaler avec le fichier utilisé.\n")
    assert not out.exists()
