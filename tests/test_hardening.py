"""Hostile inputs that are not a value in a parameter file (those are in the bad-input
catalogue): special files, oversized files, zip bombs, output paths that would destroy a
drafter's file, argparse errors, the time zone of "today". Each gives exit status 2 and a
French message naming the file, fast, never a hang or a traceback."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

import accordgen
from accordgen.errors import InputError, ValidationError
from accordgen.rules import dates
from accordgen.safeio import read_regular_file, read_zip_members, resolve
from accordgen.yamlio import MAX_NODES, read_yaml

from conftest import DATA, EXAMPLE, ROOT, run_cli


def cli(*args: object, timeout: float = 60, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    """The real command line, killed after ``timeout`` s (a hang is a failure, not a stuck suite)."""
    return subprocess.run(
        [sys.executable, "-m", "accordgen", *map(str, args)], capture_output=True, text=True,
        cwd=ROOT, timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )


def refused(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, f"statut {proc.returncode} : {proc.stderr}"
    assert proc.stderr.startswith("erreur : "), proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr, proc.stderr


# --- special files given as parameters ------------------------------------------------------

def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "accord.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(InputError, match="ce n'est pas un fichier ordinaire") as info:
        read_yaml(fifo)
    assert time.monotonic() - start < 2 and str(fifo) in str(info.value)
    refused(cli("check", "accord", fifo, timeout=30), str(fifo), "pas un fichier ordinaire")


def test_a_link_to_dev_zero_is_refused_without_reading(tmp_path: Path) -> None:
    link = tmp_path / "accord.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match=f"^{link} : ce n'est pas un fichier ordinaire"):
        read_yaml(link)
    start = time.monotonic()
    proc = cli("render", "accord", link, "-o", tmp_path / "a.docx", timeout=30)
    refused(proc, "pas un fichier ordinaire")
    assert str(link) in proc.stderr or "/dev/zero" in proc.stderr  # the loader resolves links
    assert time.monotonic() - start < 20
    assert not (tmp_path / "a.docx").exists()


def symlink_loop(tmp_path: Path) -> Path:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    return a


def test_a_symlink_loop_is_named_in_french(tmp_path: Path) -> None:
    a = symlink_loop(tmp_path)
    with pytest.raises(InputError, match=f"^{a} : lien symbolique en boucle"):
        read_yaml(a)
    with pytest.raises(InputError, match=f"^{a} : lien symbolique en boucle"):
        resolve(a)


def test_a_symlink_loop_given_to_the_cli_is_exit_2(tmp_path: Path) -> None:
    a = symlink_loop(tmp_path)
    refused(cli("check", "accord", a), str(a), "lien symbolique en boucle")


def test_a_directory_is_named_in_french(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="c'est un dossier"):
        read_yaml(tmp_path)


def test_the_size_cap_applies_to_what_is_read_not_to_st_size(tmp_path: Path) -> None:
    """A file that grows (or lies about its size, like /proc files) is cut at the cap."""
    big = tmp_path / "gros.yaml"
    big.write_bytes(b"type: accord\n" + b"# " + b"x" * (3 * 1024 * 1024) + b"\n")
    with pytest.raises(InputError, match=r"fichier trop volumineux \(plus de 2 Mo\)"):
        read_yaml(big)
    assert read_regular_file("/proc/self/status", 1_000_000)  # st_size 0, content read


def test_a_complex_key_is_named_not_an_internal_error(tmp_path: Path) -> None:
    path = tmp_path / "accord.yaml"
    path.write_text((EXAMPLE / "accord.yaml").read_text(encoding="utf-8") + "? [a, b]\n: c\n",
                    encoding="utf-8")
    refused(cli("check", "accord", path), str(path), "nom de champ invalide ligne")


def test_many_tiny_values_are_refused_fast_and_small(tmp_path: Path) -> None:
    """400,000 one-word paragraphs would cost about 1 GB parsed: the value count is capped
    (and the file size), so the refusal is quick and cheap."""
    path = tmp_path / "accord.yaml"
    path.write_text("type: accord\npreambule:\n" + "- a\n" * 400_000, encoding="utf-8")
    # VmHWM is this process's own peak; ru_maxrss would include the pytest process it was
    # forked from (Linux carries the parent's high-water mark across exec).
    script = ("from accordgen.errors import InputError\n"
              "from accordgen.yamlio import read_yaml\n"
              f"try:\n    read_yaml({str(path)!r})\nexcept InputError as e:\n    print(e)\n"
              "print(next(int(line.split()[1]) for line in open('/proc/self/status')\n"
              "           if line.startswith('VmHWM:')) // 1024)\n")
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    message, peak_mb = proc.stdout.strip().splitlines()
    assert f"trop de valeurs (plus de {MAX_NODES}" in message and str(path) in message
    assert int(peak_mb) < 300, f"{peak_mb} Mo"
    assert time.monotonic() - start < 40  # about 4 s on a quiet machine; the suite runs loaded


# --- values that passed `check` and failed at rendering -------------------------------------

def test_a_huge_amount_is_refused_by_check(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE / "accord.yaml", tmp_path / "accord.yaml")
    src = tmp_path / "convention-7.yaml"
    text = (DATA / "convention" / "good-contrepartie-marche.yaml").read_text(encoding="utf-8")
    src.write_text(text.replace("montant: 1500.00", "montant: 1e30"), encoding="utf-8")
    refused(cli("check", "convention-specifique", src), str(src),
            "contrepartie_financiere.montant : montant trop élevé")
    src.write_text(text.replace("montant: 1500.00", "montant: 999999999999.99"), encoding="utf-8")
    assert accordgen.load(src).params.contrepartie_financiere.montant  # the bound itself passes


def test_a_far_future_date_is_refused_with_its_field(tmp_path: Path) -> None:
    path = tmp_path / "accord.yaml"
    path.write_text((EXAMPLE / "accord.yaml").read_text(encoding="utf-8")
                    .replace("  date: 2022-07-01", "  date: 9998-07-01"), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        accordgen.load(path)
    assert ("signature.date", "date hors des limites : « 9998-07-01 » (attendu : entre 1900 et 2200)") \
        in info.value.problems


def test_date_arithmetic_never_overflows() -> None:
    with pytest.raises(ValueError, match="hors du calendrier"):
        dates.add_duration(date(9998, 7, 1), 5, "ans")
    with pytest.raises(ValueError, match="hors du calendrier"):
        dates.notice_end(date(9999, 12, 30), 5)


# --- DOCX inputs: compare and text ----------------------------------------------------------

def bomb(path: Path, size: int) -> Path:
    """A zip whose one member inflates to ``size`` bytes of zeros (about 1/1000 compressed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = bytes(1 << 20)
            for _ in range(size >> 20):
                fh.write(chunk)
    return path


def test_compare_refuses_a_zip_bomb_fast(tmp_path: Path) -> None:
    good = accordgen.render_bytes(accordgen.load(EXAMPLE / "accord.yaml"))
    (tmp_path / "old.docx").write_bytes(good)
    bad = bomb(tmp_path / "bombe.docx", 200 << 20)
    assert bad.stat().st_size < 1 << 20
    start = time.monotonic()
    proc = cli("compare", tmp_path / "old.docx", bad, "-o", tmp_path / "r.docx")
    refused(proc, str(bad), "word/document.xml dépasse 64 Mo une fois décompressé")
    assert time.monotonic() - start < 10 and not (tmp_path / "r.docx").exists()
    refused(cli("text", bad), str(bad), "dépasse 64 Mo")


def test_the_archive_total_is_capped_too() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(5):
            zf.writestr(f"m{i}.xml", bytes(1000))
    with pytest.raises(InputError, match="son contenu dépasse"):
        read_zip_members(buf.getvalue(), "x.docx", member_limit=1000, total_limit=4000)
    assert len(read_zip_members(buf.getvalue(), "x.docx", member_limit=1000, total_limit=5000)) == 5


def test_a_member_larger_than_declared_is_not_inflated_past_its_declared_size() -> None:
    """Sizes in a zip's headers may lie: reading stops at the declared size (then the
    checksum fails), so a small declared size cannot hide a bomb."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", bytes(10 << 20))
    data = bytearray(buf.getvalue())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 22:local + 26] = (100).to_bytes(4, "little")  # declared: 100 bytes
    data[central + 24:central + 28] = (100).to_bytes(4, "little")
    with pytest.raises(InputError, match="archive zip illisible"):
        read_zip_members(bytes(data), "menteur.docx")


def test_text_refuses_missing_non_zip_and_incomplete_docx(tmp_path: Path) -> None:
    refused(cli("text", tmp_path / "absent.docx"), "absent.docx : fichier introuvable")
    not_zip = tmp_path / "pas-zip.docx"
    not_zip.write_text("bonjour", encoding="utf-8")
    refused(cli("text", not_zip), str(not_zip), "archive zip illisible")
    bare = tmp_path / "sans-types.docx"
    with zipfile.ZipFile(bare, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    refused(cli("text", bare), str(bare), "[Content_Types].xml absent")


# --- output paths ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "not-docx-name", "other-file"])
def test_render_never_replaces_an_input_or_a_foreign_file(how: str, tmp_path: Path) -> None:
    src = tmp_path / "accord.yaml"
    shutil.copy(EXAMPLE / "accord.yaml", src)
    before = src.read_bytes()
    out = {"same": src, "symlink": tmp_path / "l.docx", "hardlink": tmp_path / "h.docx",
           "not-docx-name": tmp_path / "accord.txt", "other-file": tmp_path / "notes.docx"}[how]
    if how == "symlink":
        out.symlink_to(src)
    elif how == "hardlink":
        os.link(src, out)
    elif how == "other-file":
        out.write_text("mes notes", encoding="utf-8")
    foreign = out.read_bytes() if out.exists() else None
    refused(cli("render", "accord", src, "-o", out), str(out))
    assert src.read_bytes() == before
    assert (out.read_bytes() if out.exists() else None) == foreign


def test_render_replaces_its_own_previous_docx(tmp_path: Path) -> None:
    out = tmp_path / "accord.docx"
    for _ in range(2):
        proc = run_cli("render", "accord", EXAMPLE / "accord.yaml", "-o", out)
        assert proc.returncode == 0, proc.stderr


# --- argparse in French ---------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["render", "accord"], "accordgen render : erreur : arguments obligatoires manquants : FICHIER"),
    (["render", "inconnu", "a.yaml"], "valeur non permise « inconnu » (valeurs possibles : accord,"),
    (["check", "accord", "a.yaml", "--zz"], "accordgen : erreur : arguments non reconnus : --zz"),
    (["batch", "r.csv", "--out", "o", "--workers", "x"], "--workers : nombre entier attendu, pas « x »"),
    ([], "arguments obligatoires manquants : COMMANDE"),
])
def test_argument_errors_are_in_french(args: list[str], message: str) -> None:
    proc = cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("utilisation : accordgen"), proc.stderr
    assert message in proc.stderr, proc.stderr
    assert "error" not in proc.stderr and "usage" not in proc.stderr


def test_help_is_in_french() -> None:
    proc = cli("render", "-h")
    assert proc.returncode == 0
    assert proc.stdout.startswith("utilisation : accordgen render")
    assert "afficher cette aide et quitter" in proc.stdout and "arguments :" in proc.stdout
    for english in ("usage:", "show this help", "positional arguments"):
        assert english not in proc.stdout


# --- "today" does not depend on TZ ----------------------------------------------------------

def test_a_drafts_default_date_does_not_depend_on_tz() -> None:
    """The same instant (frozen: 2026-06-30 23:30 UTC) is 1 July in Paris, 1 July 13:30 in
    Kiritimati (UTC+14) and 30 June 12:30 in Pago Pago (UTC-11): the draft says 1 July."""
    script = ("import accordgen.models.base as b\n"
              "b._clock = lambda: 1782862200.0\n"
              "print(b.Redaction(statut='projet').statut_vue()['date'])\n")
    seen = set()
    for tz in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env={**os.environ, "TZ": tz}, timeout=60)
        assert proc.returncode == 0, proc.stderr
        seen.add(proc.stdout.strip())
    assert seen == {"2026-07-01"}
