"""``accordgen app``: Voilà serving the application notebook (code hidden) for one workspace.

Bound to 127.0.0.1 by default; another address needs an access token (``--token``), since
anyone reaching the port could read and generate the workspace's documents. The command
becomes the Voilà server (``exec``): Ctrl+C or a signal stops it and its kernels."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from ..errors import AccordgenError
from ..resources import (
    ENV_WORKSPACE,
    WorkspaceError,
    current_workspace,
    find_workspace,
    notebook_path,
)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
JUPYTER_DATA = Path(__file__).resolve().parent / "jupyter"  # voila/templates/accordgen: the page, in French
NOTEBOOK = "app.ipynb"


class AppError(AccordgenError):
    """A French message about the application's options."""


def free_port(host: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def workspace_for(folder: str | None) -> Path:
    """The workspace named on the command line, else the current one; a French error when
    there is none."""
    if folder:
        found = find_workspace(Path(folder).expanduser().resolve())
        if found is None:
            raise WorkspaceError(f"{Path(folder).expanduser().resolve()} : ce n'est pas un espace de "
                                 "travail accordgen ; créez-le avec « accordgen init DOSSIER »")
        return found
    found = current_workspace()
    if found is None:
        raise WorkspaceError(f"{Path.cwd()} : aucun espace de travail accordgen ici ; indiquez-le "
                             "(« accordgen app DOSSIER ») ou créez-le avec « accordgen init DOSSIER »")
    return found


# ``python -m voila``, with the slow import of jsonschema's IRI checker deferred first
# (:mod:`accordgen.lazyimports`, loaded by path: importing the accordgen package would cost more).
_VOILA = ("import importlib.util, sys\n"
          "spec = importlib.util.spec_from_file_location('accordgen_lazyimports', {path!r})\n"
          "module = importlib.util.module_from_spec(spec)\n"
          "spec.loader.exec_module(module)\n"
          "module.defer_slow_imports()\n"
          "sys.argv[0] = 'voila'\n"
          "from voila.app import main\n"
          "sys.exit(main())\n")


def voila_command(notebook: Path, host: str, port: int, token: str | None, open_browser: bool) -> list[str]:
    lazy = Path(__file__).resolve().parent.parent / "lazyimports.py"
    argv = [sys.executable, "-c", _VOILA.format(path=str(lazy)), str(notebook),
            f"--Voila.ip={host}", f"--port={port}", "--Voila.port_retries=0",
            "--VoilaConfiguration.show_tracebacks=False", "--strip_sources=True",
            "--Voila.log_level=WARN", "--template=accordgen"]
    if token:
        argv.append(f"--token={token}")
    if not open_browser:
        argv.append("--no-browser")
    return argv


def serve(folder: str | None, host: str = "127.0.0.1", port: int = 0, token: str | None = None,
          open_browser: bool = True) -> int:
    """Check the options, then replace this process by the Voilà server."""
    if host not in LOOPBACK and not token:
        raise AppError(f"--host {host} : l'application serait accessible depuis le réseau ; "
                       "indiquez un jeton d'accès avec --token (ou gardez --host 127.0.0.1)")
    workspace = workspace_for(folder)
    notebook = notebook_path(NOTEBOOK, workspace)
    if not notebook.is_file():
        raise AppError(f"{notebook} : notebook de l'application introuvable")
    port = port or free_port(host if host != "localhost" else "127.0.0.1")
    env = {**os.environ, ENV_WORKSPACE: str(workspace),  # Voilà finds the « accordgen » page there
           "JUPYTER_PATH": os.pathsep.join(p for p in (str(JUPYTER_DATA), os.environ.get("JUPYTER_PATH", "")) if p)}
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    print(f"Application accordgen pour l'espace {workspace}")
    print(f"  adresse : {url}{'?token=' + token if token else ''}")
    print("  Ctrl+C pour l'arrêter.", flush=True)
    from .preview import ENV as UNOSERVER
    from .preview import start_warm_office

    uno = free_port()
    after = ("127.0.0.1" if host == "localhost" else host, port)
    try:
        from ..tools.warm import advert_path

        advert: Path | None = advert_path(workspace)  # batches and renders of this workspace use it too
    except OSError:
        advert = None
    if start_warm_office(uno, free_port(), after=after, advert=advert,
                         workspace=workspace) is not None:  # dies with this process (parent-death signal)
        env[UNOSERVER] = f"127.0.0.1:{uno}"
    else:
        print("  (LibreOffice absent : l'aperçu PDF sera indisponible ou plus lent)")
    argv = voila_command(notebook, host, port, token, open_browser)
    os.execve(sys.executable, argv, env)
    return 0  # pragma: no cover - execve does not return
