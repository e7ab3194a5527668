"""The drafter's JupyterLab, in a real browser: ``jupyter lab`` on localhost with a token, and
headless Chromium (Debian's, driven by Playwright's Python package: no browser download).

The kind's notebook runs top to bottom (Run › Run All Cells): no cell errs and the DOCX
appears; its form shows the French message beside a field given an invalid value and writes
nothing; the dossier overview draws its timeline. Skipped, with the reason, when Chromium or
Playwright is missing — except when ACCORDGEN_REQUIRE_CHROMIUM is set (CI), where it fails.
Screenshots go to ACCORDGEN_SCREENSHOTS (a folder) when set. Server and browser are always
shut down.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
RUN_TIMEOUT = 120  # seconds for one notebook to run all its cells


def chromium() -> str:
    """Chromium's executable; skip (or fail in CI) when it or Playwright is missing."""
    exe = os.environ.get("ACCORDGEN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    reason = None
    if exe is None:
        reason = "Chromium absent (apt-get install chromium) : test JupyterLab dans un navigateur non exécuté"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "paquet Python playwright absent (pip install -e '.[dev]') : test JupyterLab non exécuté"
    if reason:
        if os.environ.get("ACCORDGEN_REQUIRE_CHROMIUM"):
            pytest.fail(f"requis en CI : {reason}")
        pytest.skip(reason)
    assert exe is not None
    return exe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_settings(folder: Path) -> None:
    """JupyterLab user settings for a quiet, predictable test: no news or update toasts, every
    cell attached to the page (no windowing)."""
    settings = {
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }
    for plugin, values in settings.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@contextlib.contextmanager
def jupyter_lab(root: Path, state: Path) -> Iterator[tuple[str, str, subprocess.Popen[bytes]]]:
    """``jupyter lab`` serving ``root`` on a free localhost port with a random token; yields
    (base URL, token, process) and always stops the server and its kernels."""
    port, token = free_port(), secrets.token_hex(16)
    write_settings(state / "settings")
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_DATA_DIR": str(state / "data"),
           "JUPYTER_RUNTIME_DIR": str(state / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"), "IPYTHONDIR": str(state / "ipython")}
    log = (state / "jupyter.log").open("wb")
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # CI containers
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=", *as_root],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab s'est arrêté au démarrage :\n{(state / 'jupyter.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("jupyter lab ne répond pas après 60 s")
            time.sleep(0.3)
        yield base, token, proc
    finally:
        with contextlib.suppress(OSError):
            req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(req, timeout=5).close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the server's own session: kernels left behind
        log.close()


PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def open_notebook(page: Any, base: str, token: str, rel: str) -> None:
    """Open a notebook and wait until its kernel is connected and idle."""
    page.goto(f"{base}/lab/tree/{rel}?token={token}", wait_until="domcontentloaded")
    page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-Cell", timeout=60_000)
    page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"\| (Inactif|Idle)")).first.wait_for(timeout=60_000)


def prompts(page: Any) -> list[str]:
    return [p.strip() for p in page.locator(f"{PANEL} .jp-CodeCell .jp-InputArea-prompt").all_inner_texts()]


def run_all_cells(page: Any) -> None:
    """Run › Run All Cells, then wait until every code cell has run and the kernel is idle."""
    deadline = time.monotonic() + RUN_TIMEOUT
    clicked_at = 0.0
    while time.monotonic() < deadline:
        seen = prompts(page)
        started = any(p != "[ ]:" for p in seen)
        if not started and time.monotonic() - clicked_at > 10:  # (again, if the first was too early)
            dialog = page.locator(".jp-Dialog")
            if dialog.count():  # a modal dialog swallows the click: let it go, else say which
                try:
                    dialog.first.wait_for(state="detached", timeout=30_000)
                except Exception:  # noqa: BLE001 - Playwright's timeout: report what blocks
                    pytest.fail("une boîte de dialogue de JupyterLab bloque l'exécution : "
                                + " | ".join(dialog.all_inner_texts())[:800])
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^(Exécution|Run)$")).first.click()
            page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
            clicked_at = time.monotonic()
        done = seen and all(p[1:-2].isdigit() for p in seen)
        idle = page.locator(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]').count() == 1
        if done and idle:
            return
        time.sleep(0.25)
    pytest.fail(f"le notebook n'a pas fini en {RUN_TIMEOUT} s : invites {prompts(page)}")


def assert_no_error(page: Any, name: str) -> None:
    panel = PANEL
    stderr = page.locator(f'{panel} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    texts = stderr.all_inner_texts()
    assert not texts, f"{name} : sortie d'erreur dans une cellule :\n" + "\n".join(texts)[:3000]
    body = page.locator(f"{panel} .jp-Notebook").inner_text()
    assert "Traceback" not in body and "Error" not in "".join(
        page.locator(f"{panel} .jp-RenderedText").all_inner_texts()), f"{name} : une cellule a échoué"


def screenshot(locator: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    locator.screenshot(path=str(path))
    if os.environ.get("ACCORDGEN_SCREENSHOTS"):
        dest = Path(os.environ["ACCORDGEN_SCREENSHOTS"])
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, dest / name)
    return path


CONSOLE: list[list[str]] = []


def check_form(page: Any, tmp_path: Path, accord_yaml: Path) -> None:
    """In the accord notebook: open the form, give a SIREN that fails its check, see the French
    message beside the field and in the summary, « Enregistrer » disabled, nothing written."""
    before = accord_yaml.read_bytes()
    panel = page.locator(PANEL)
    panel.locator(".accordgen-ouvrir").click()
    form = panel.locator(".accordgen-formulaire")
    form.wait_for(state="visible", timeout=60_000)
    # The form's ~1,700 widgets render after its frame appears: on a loaded 2-core machine
    # the tabs can take longer than the page's default 30 s.
    tab = form.locator(".lm-TabBar-tab", has_text="Parties")
    try:
        try:
            tab.wait_for(state="visible", timeout=60_000)
        except Exception:
            # Known intermittent bug (about 1 run in 4 here): the form's frame renders but not
            # its tabs. « Recharger » rebuilds the fields, which renders them; see the README.
            form.locator("button.accordgen-recharger").click()
            tab.wait_for(state="visible", timeout=60_000)
    except Exception:
        screenshot(panel, tmp_path, "formulaire-echec.png")  # kept with ACCORDGEN_SCREENSHOTS
        errors = [m for m in (CONSOLE[0] if CONSOLE else []) if m.startswith(("error", "pageerror", "warning"))]
        print("console du navigateur :\n" + "\n".join(errors[-30:]))
        raise
    tab.click()
    siren = form.locator(".accordgen-champ-parties-0-siren input")
    siren.wait_for(state="visible", timeout=60_000)
    siren.fill("123456789")
    message = form.locator(".accordgen-erreur-parties-0-siren")
    message.get_by_text("SIREN invalide").wait_for(state="visible", timeout=20_000)
    assert "clé de contrôle (Luhn) incorrecte" in message.inner_text()
    assert form.locator(".accordgen-synthese").get_by_text("Parties n° 1 › SIREN").is_visible()
    assert form.locator("button.accordgen-enregistrer").is_disabled()
    assert form.locator("button.accordgen-generer").is_disabled()
    form.locator(".accordgen-etat").scroll_into_view_if_needed()
    screenshot(panel, tmp_path, "formulaire-haut.png")
    siren.scroll_into_view_if_needed()
    screenshot(panel, tmp_path, "formulaire-champ.png")
    assert accord_yaml.read_bytes() == before


@pytest.mark.slow
def test_notebooks_run_in_jupyterlab_and_the_form_speaks_french(tmp_path: Path) -> None:
    exe = chromium()
    from playwright.sync_api import sync_playwright

    from accordgen.kinds import DOCUMENT_KINDS
    from accordgen.resources import packaged

    root = tmp_path / "root"
    shutil.copytree(packaged("notebooks"), root / "notebooks")
    shutil.copytree(ROOT / "examples", root / "examples")
    outputs = root / "outputs" / "seine-et-marne-orange-2022"  # the notebooks write where the app does
    started = time.monotonic()
    with jupyter_lab(root, tmp_path / "state") as (base, token, _proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)

            # 1. every kind's notebook, top to bottom: no cell errs, the DOCX appears
            french = False
            for kind in DOCUMENT_KINDS.values():
                mark = time.time()
                open_notebook(page, base, token, f"notebooks/{kind.notebook}")
                if not french:  # JupyterLab speaks French: the language pack is its default
                    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
                    assert "Fichier" in menus and "File" not in menus, menus
                    french = True
                run_all_cells(page)
                assert_no_error(page, kind.notebook)
                written = [p for p in outputs.rglob("*.docx") if p.stat().st_mtime >= mark - 1]
                assert written, f"{kind.notebook} : aucun DOCX écrit dans {outputs}"
                panel = page.locator(PANEL)
                assert panel.locator(".accordgen-apercu p").count() >= 5, f"{kind.notebook} : pas d'aperçu"
                if kind.name == "accord":
                    assert panel.locator(".accordgen-apercu h1", has_text="Préambule").count() == 1
                    assert panel.get_by_text("mercredi 30\u00a0juin 2027").count() >= 1  # key dates
                    # 2. the form speaks French beside the field and writes nothing
                    check_form(page, tmp_path, root / "examples" / "seine-et-marne-orange-2022" / "accord.yaml")

            # 3. the dossier overview: its table and its timeline (an image)
            open_notebook(page, base, token, "notebooks/dossier.ipynb")
            run_all_cells(page)
            assert_no_error(page, "dossier.ipynb")
            panel = page.locator(PANEL)
            image = panel.locator('.jp-OutputArea-output[data-mime-type="image/png"] img')
            assert image.count() == 1 and image.evaluate("img => img.naturalWidth") > 500
            assert panel.get_by_text("convention-4.yaml").first.is_visible()
            assert panel.get_by_text("oui (accord.docx)").first.is_visible()  # generated above
            screenshot(image, tmp_path, "frise.png")
            screenshot(panel.locator(".jp-OutputArea-output table").first, tmp_path, "dossier-tableau.png")
        finally:
            browser.close()
    elapsed = time.monotonic() - started
    print(f"\nJupyterLab + Chromium : {elapsed:.1f} s")
