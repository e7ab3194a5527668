"""The batch's own folders inside the output folder, never followed through a link.

``.accordgen-lot`` (lock, work folders) and ``lots`` (group notebooks) are created with
``os.mkdir`` and checked with ``lstat``: a symbolic link or a file planted under those names
makes the batch stop (exit 2) before anything is written or removed through it. Names read
from a manifest are only used when they are plain names inside the output folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path

from ..errors import OutputError


def own_folder(parent: Path, name: str, mode: int = 0o700) -> Path:
    """``parent/name`` as a real folder (created if absent); OutputError when it is a link
    or not a folder."""
    path = parent / name
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, mode)
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise OutputError(path, f"dossier de travail du lot inaccessible ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        what = "un lien symbolique" if stat.S_ISLNK(st.st_mode) else "un fichier"
        raise OutputError(path, f"c'est {what}, pas un dossier : le lot refuse de l'utiliser (il "
                          "écrirait ou supprimerait des fichiers hors du dossier de sortie) ; "
                          "supprimez-le puis relancez")
    return path


def is_real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def remove_tree(path: Path) -> None:
    """Remove a work folder (never what a link points to: a link is only unlinked)."""
    if is_real_folder(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def inside(out: Path, name: str) -> Path | None:
    """``out/name`` when ``name`` is a relative name that stays in ``out`` once resolved
    (links included); None otherwise."""
    if not name or "\x00" in name or Path(name).is_absolute() or ".." in Path(name).parts:
        return None
    path = out / name
    try:
        resolved = path.parent.resolve()
        base = out.resolve()
    except (OSError, RuntimeError):
        return None
    if resolved != base and base not in resolved.parents:
        return None
    return path


def remove_file(out: Path, name: str) -> None:
    """Remove the file ``name`` of ``out`` (a link itself, never its target); nothing when
    the name leaves the output folder."""
    path = inside(out, name)
    if path is not None:
        with contextlib.suppress(OSError):
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                path.unlink()
