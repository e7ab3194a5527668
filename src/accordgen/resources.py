"""Where accordgen finds its resources: the one module that knows.

The package carries its templates, notebooks and the example dossier inside itself
(``accordgen/templates``, ``accordgen/notebooks``, ``accordgen/examples``), found with
``importlib.resources``; in a source checkout those are links to the top-level folders.

A *workspace* (``accordgen init DIR``) is a folder a legal service keeps anywhere: it holds
``accordgen.yaml`` (the marker), ``dossiers/``, ``templates/``, ``notebooks/``. A file of the
workspace overrides the packaged one of the same name (the house's own ``accord.docx``).

Which workspace, decided at each call (never at import time), first found wins:

1. ``ACCORDGEN_WORKSPACE`` (the CLI's ``--espace`` sets it for its process and the kernels it
   starts): must be a workspace;
2. the first folder holding ``accordgen.yaml``, walking up from ``start`` (a document's or a
   register's folder) when given, else from the current folder.

``ACCORDGEN_TEMPLATES`` / ``ACCORDGEN_NOTEBOOKS`` / ``ACCORDGEN_EXAMPLES``, when set, name the
one folder to use for that resource (tests, a template under development): no workspace, no
packaged fallback.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import AccordgenError

MARKER = "accordgen.yaml"
ENV_WORKSPACE = "ACCORDGEN_WORKSPACE"
TEMPLATES, NOTEBOOKS, EXAMPLES = "templates", "notebooks", "examples"
DOSSIERS = "dossiers"  # a workspace's dossiers (and its register): the checkout's examples/
_ENV_FOLDER = {TEMPLATES: "ACCORDGEN_TEMPLATES", NOTEBOOKS: "ACCORDGEN_NOTEBOOKS",
               EXAMPLES: "ACCORDGEN_EXAMPLES"}
_WORKSPACE_FOLDER = {TEMPLATES: TEMPLATES, NOTEBOOKS: NOTEBOOKS, EXAMPLES: DOSSIERS}


class WorkspaceError(AccordgenError):
    """Raised when the workspace named by ``--espace`` or ``ACCORDGEN_WORKSPACE`` is not one,
    or when ``accordgen init`` cannot create one (names the folder, says what to do)."""


def packaged(folder: str) -> Path:
    """A resource folder inside the installed package (``templates``, ``notebooks``,
    ``examples``). The wheel is installed unzipped, so this is a real folder."""
    return Path(str(resources.files("accordgen").joinpath(folder)))


def is_workspace(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def find_workspace(start: Path | str) -> Path | None:
    """The workspace holding ``start`` (a file or folder): the nearest folder, ``start``
    itself or above it, that holds ``accordgen.yaml``; None outside any workspace."""
    try:
        path = Path(start).resolve()
    except (RuntimeError, OSError):  # a link loop: the workspace is that of the link's folder
        path = Path(start).absolute().parent
    if not path.is_dir():
        path = path.parent
    for folder in (path, *path.parents):
        if is_workspace(folder):
            return folder
    return None


def current_workspace(start: Path | str | None = None) -> Path | None:
    """The workspace in use: ``ACCORDGEN_WORKSPACE`` when set, else the one holding ``start``
    (default: the current folder). Raises WorkspaceError when the variable names a folder
    that is not a workspace."""
    named = os.environ.get(ENV_WORKSPACE, "").strip()
    if named:
        folder = Path(named).expanduser().resolve()
        if not is_workspace(folder):
            raise WorkspaceError(
                f"{folder} : ce n'est pas un espace de travail accordgen ({MARKER} absent ; "
                f"variable {ENV_WORKSPACE} ou option --espace). Créez-le avec « accordgen init "
                f"DOSSIER »")
        return folder
    return find_workspace(Path.cwd() if start is None else start)


def _resolve(kind: str, name: str, workspace: Path | None) -> Path:
    configured = os.environ.get(_ENV_FOLDER[kind], "").strip()
    if configured:
        return Path(configured) / name
    ws = workspace if workspace is not None else current_workspace()
    if ws is not None:
        own = ws / _WORKSPACE_FOLDER[kind] / name
        if own.is_file():
            return own
    return packaged(kind) / name


def template_path(name: str, workspace: Path | None = None) -> Path:
    """The template file ``name`` (``accord.docx``): the workspace's when it has one, else
    the packaged one. ``workspace`` None: the current workspace (see the module docstring)."""
    return _resolve(TEMPLATES, name, workspace)


def notebook_path(name: str, workspace: Path | None = None) -> Path:
    """The notebook ``name`` (``accord.ipynb``): the workspace's when it has one, else the
    packaged one."""
    return _resolve(NOTEBOOKS, name, workspace)


def examples_dir(workspace: Path | None = None) -> Path:
    """The folder of example documents (the template lint builds its contexts from them):
    the workspace's ``dossiers/``, else the packaged example dossier and register."""
    configured = os.environ.get(_ENV_FOLDER[EXAMPLES], "").strip()
    if configured:
        return Path(configured)
    ws = workspace if workspace is not None else current_workspace()
    if ws is not None and (ws / DOSSIERS).is_dir():
        return ws / DOSSIERS
    return packaged(EXAMPLES)
