"""The drafters' application in a real browser: ``accordgen app`` (Voilà) on a fresh
``accordgen init`` workspace, driven by headless Chromium through Playwright.

Opens the home page, opens the example dossier, generates a convention, downloads its DOCX
(bytes equal to ``accordgen.render_bytes`` of the same document), downloads the deadline
calendar (parsed back with icalendar: every upcoming key date there), and checks that no
screen shows code, an English string of ours or a Python exception name. Prints the app's
ready time and the generation time. Skipped when Chromium or Playwright is missing, except
with ACCORDGEN_REQUIRE_CHROMIUM; a screenshot of the failing screen goes to outputs/test_app/.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from test_jupyterlab import CHROMIUM_ARGS, chromium, free_port

from conftest import ROOT

DOSSIER = "seine-et-marne-orange-2022"
FORBIDDEN = re.compile(r"\b(Error|Traceback|Exception|Generate|Download|Open|Home|Calendar|Sort by|"
                       r"Deadline|Valid|Draft|Final|None|True|False)\b")
CODE = ("arreter_si_erreur", "from accordgen", "application(espace)")
SHOTS = ROOT / "outputs" / "test_app"


@contextlib.contextmanager
def app_server(workspace: Path, state: Path) -> Iterator[tuple[str, float]]:
    """``accordgen app WORKSPACE --no-browser`` on a free port; yields (URL, start time) and
    always stops the server (its own process group) and its kernels."""
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_DATA_DIR": str(state / "data"),
           "JUPYTER_RUNTIME_DIR": str(state / "runtime"), "IPYTHONDIR": str(state / "ipython")}
    env.pop("ACCORDGEN_WORKSPACE", None)
    state.mkdir(parents=True, exist_ok=True)
    log = (state / "app.log").open("wb")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "accordgen", "app", str(workspace), "--no-browser",
                             "--port", str(port)], cwd=state, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"accordgen app s'est arrêté :\n{(state / 'app.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("accordgen app ne répond pas après 60 s")
            time.sleep(0.2)
        yield url, started
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def check_screen(page: Any, name: str) -> None:
    text = page.locator("body").inner_text()
    found = FORBIDDEN.findall(text)
    assert not found, f"{name} : texte anglais ou nom d'exception visible : {sorted(set(found))}"
    assert not [c for c in CODE if c in text], f"{name} : du code est visible"
    assert page.locator(".jp-InputArea, .jp-Cell-inputWrapper .cm-editor").count() == 0, name


def upcoming_key_dates(workspace: Path) -> set[tuple[dt.date, str]]:
    from accordgen.dossier import Loader
    from accordgen.models.base import today

    out = set()
    for _entry, doc, _problem in Loader().documents(workspace / "dossiers" / DOSSIER):
        if doc is not None and not doc.hypothese:
            out |= {(k.date, k.label) for k in doc.key_dates() if k.date >= today()}
    return out


def test_app_home_dossier_generate_downloads(tmp_path: Path) -> None:
    exe = chromium()
    from icalendar import Calendar
    from playwright.sync_api import sync_playwright

    import accordgen

    workspace = tmp_path / "espace"
    subprocess.run([sys.executable, "-m", "accordgen", "init", str(workspace)], check=True,
                   capture_output=True)
    with app_server(workspace, tmp_path / "etat") as (url, started), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(30_000)
        try:
            # Accueil
            page.goto(url)
            page.get_by_text("Dossiers (1)").wait_for()
            ready = time.monotonic() - started
            body = page.locator("body").inner_text().replace("\xa0", " ")
            assert DOSSIER in body and "Département de Seine-et-Marne" in body and "ORANGE" in body
            assert "Terme en vigueur : du 1er juillet 2022" in body and "Prochaine échéance" in body
            check_screen(page, "accueil")

            # Dossier
            page.get_by_role("button", name="Ouvrir le dossier").click()
            page.get_by_text(f"Dossier {DOSSIER}").wait_for()
            line = page.locator(".widget-hbox", has_text="convention-1.yaml")
            assert "Convention spécifique n° 1" in line.inner_text()
            check_screen(page, "dossier")

            # Générer, then the DOCX download
            mark = time.monotonic()
            line.get_by_role("button", name="Générer").click()
            line.get_by_text("Document généré").wait_for()
            generate = time.monotonic() - mark
            with page.expect_download() as info:
                line.get_by_text("Télécharger DOCX").click()
            docx = tmp_path / "telecharge.docx"
            info.value.save_as(docx)
            source = workspace / "dossiers" / DOSSIER / "convention-1.yaml"
            written = workspace / "outputs" / DOSSIER / "convention-specifique-1.docx"
            assert docx.read_bytes() == written.read_bytes()
            assert docx.read_bytes() == accordgen.render_bytes(accordgen.load(source))
            check_screen(page, "génération")

            # Échéancier and its iCalendar export
            page.locator(".lm-TabBar-tab", has_text="Échéancier").click()
            page.get_by_text("Échéances à venir").wait_for()
            check_screen(page, "échéancier")
            with page.expect_download() as info:
                page.get_by_text("Télécharger le calendrier (iCalendar)").click()
            ics = tmp_path / "echeancier.ics"
            info.value.save_as(ics)
            cal = Calendar.from_ical(ics.read_bytes())
            events = {(e.decoded("dtstart"), str(e.get("summary")).split(" — ")[0])
                      for e in cal.walk("VEVENT")}
            expected = upcoming_key_dates(workspace)
            assert expected and expected <= events, expected - events
        except BaseException:
            SHOTS.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(Exception):
                page.screenshot(path=str(SHOTS / "echec.png"), full_page=True)
            raise
        finally:
            browser.close()
    print(f"\napp prête en {ready:.1f} s ; « Générer » en {generate:.2f} s")
    assert ready < 30


def test_app_refuses_a_network_address_without_token(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "accordgen", "app", str(tmp_path), "--host", "0.0.0.0",
                           "--no-browser"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--token" in proc.stderr and "Traceback" not in proc.stderr


def test_app_outside_a_workspace_says_so(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "accordgen", "app", str(tmp_path), "--no-browser"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={k: v for k, v in os.environ.items() if k != "ACCORDGEN_WORKSPACE"})
    assert proc.returncode == 2
    assert str(tmp_path) in proc.stderr and "accordgen init" in proc.stderr
