"""Where templates and notebooks are found (placeholder until the packaging work lands)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _checkout(folder: str) -> Path:
    return Path(str(files("accordgen"))).parent.parent / folder


def template_path(name: str, workspace: Path | None = None) -> Path:
    if workspace is not None and (workspace / "templates" / name).is_file():
        return workspace / "templates" / name
    return _checkout("templates") / name


def notebook_path(name: str, workspace: Path | None = None) -> Path:
    if workspace is not None and (workspace / "notebooks" / name).is_file():
        return workspace / "notebooks" / name
    return _checkout("notebooks") / name


def examples_dir() -> Path:
    return _checkout("examples")
