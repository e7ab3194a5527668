"""``make demo``: every document of a dossier, generated through its kind's notebook."""

from __future__ import annotations

import time
from pathlib import Path

from .errors import AccordgenError
from .kinds import get_kind
from .runner import run_notebook


def dossier_documents(folder: Path) -> list[tuple[str, Path]]:
    """(kind, file) of every YAML document under ``folder``: the accord first, then by path.
    A file that cannot be read stops the demo with its French message."""
    from .dossier import Loader
    from .errors import InputError

    entries = Loader().entries(folder)
    for e in entries:
        if e.error is not None:
            raise InputError(e.path, e.error)
    found = [(e.kind, e.path) for e in entries]
    return sorted(found, key=lambda kp: (kp[0] != "accord", str(kp[1])))


def _stem(path: Path) -> str:
    """The document's output name (the kind's: the same for the app, the notebooks, batch)."""
    from .dossier import load

    try:
        return load(path).output_stem
    except AccordgenError:
        return path.stem


def run_demo(folder: Path, out: Path | None = None) -> int:
    """Run each document's notebook through papermill into ``out`` (default: the dossier's
    output folder, ``outputs/<dossier>/``, where the application and the notebooks write too),
    each DOCX under its kind's name; executed notebooks go to ``out/notebooks`` as the record
    of what was generated."""
    from .resources import output_folder

    folder = Path(folder).resolve()  # the loader gives absolute paths; `make demo` a relative one
    out = Path(out) if out is not None else output_folder(folder)
    docs = dossier_documents(folder)
    if not docs:
        raise AccordgenError(f"{folder} : aucun document YAML (champ « type ») trouvé")
    failures = 0
    for kind_name, path in docs:
        kind = get_kind(kind_name)
        rel = path.relative_to(folder)
        sub = out / rel.parent
        executed = out / "notebooks" / rel.parent / f"{path.stem}.ipynb"
        start = time.perf_counter()
        try:
            run_notebook(kind, path, sub, executed)
        except AccordgenError as exc:
            failures += 1
            print(f"ÉCHEC {rel} : {exc}")
            continue
        print(f"ok    {rel} -> {sub / (_stem(path) + '.docx')}  ({time.perf_counter() - start:.1f} s)")
    print(f"{len(docs) - failures}/{len(docs)} documents générés dans {out}")
    return 1 if failures else 0
