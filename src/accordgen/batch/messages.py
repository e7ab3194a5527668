"""Output names and the one-line French messages of the manifest."""

from __future__ import annotations

import errno
import re
import unicodedata
from collections.abc import Mapping, Sequence

from ..errors import AccordgenError, ValidationError
from .register import canonical_path

MAX_NAME_BYTES = 150
_DISK = {errno.ENOSPC: "disque plein", errno.EDQUOT: "quota disque dépassé",
         errno.EIO: "erreur d'entrée-sortie du disque", errno.EROFS: "disque en lecture seule"}
_UNSAFE = re.compile(r"[^\w.\-]")


def safe_output_name(raw: str) -> str:
    """A file name that stays in the output folder: last path component only, letters
    (accents allowed), digits, ``.``, ``_`` and ``-`` kept, anything else -> ``_``, no
    leading dot, ``.docx`` appended when missing, at most 150 bytes before the extension.
    Raises ValueError (French) when nothing usable is left."""
    name = unicodedata.normalize("NFC", str(raw)).strip()
    name = re.split(r"[/\\]", name)[-1].strip()
    name = _UNSAFE.sub("_", name).lstrip(".")
    if name.lower().endswith(".docx"):
        name = name[:-5]
    name = name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(".")
    if not name.strip("_-."):
        raise ValueError(f"nom de sortie inutilisable : « {raw} »")
    return name + ".docx"


RESERVED = (".accordgen-lot", "lots", "manifeste.csv")
"""The batch's own names at the top of the output folder: no document folder takes them."""


def safe_output_path(raw: str) -> str:
    """A relative output path that stays in the output folder: folders (``/``-separated, each
    a plain name: not empty, not hidden, no ``..``, ``\\`` or control character, not one of the
    batch's own names) then a file name as :func:`safe_output_name` makes it. Returned as
    given (NFC); ValueError (French) when it is not such a path."""
    text = unicodedata.normalize("NFC", str(raw))
    *folders, name = text.split("/")
    for folder in folders:
        if (not folder.strip() or folder.startswith(".") or "\\" in folder or len(folder.encode("utf-8")) > 255
                or any(unicodedata.category(c) in ("Cc", "Cs") for c in folder)):
            raise ValueError(f"nom de dossier inutilisable dans le chemin de sortie « {raw} » : « {folder} »")
    if folders and folders[0].casefold() in RESERVED:
        raise ValueError(f"le dossier « {folders[0]} » est réservé au lot (chemin de sortie « {raw} »)")
    if safe_output_name(name) != name:
        raise ValueError(f"nom de fichier inutilisable dans le chemin de sortie « {raw} »")
    return text


def one_line(text: str) -> str:
    """A multi-line French message on one manifest line."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if not lines:
        return ""
    rest = [line[2:] if line.startswith("- ") else line for line in lines[1:]]
    return lines[0] + (" — " + " ; ".join(rest) if rest else "")


def _column_for(path: str, columns: Mapping[str, str]) -> str | None:
    """The override column a problem's field path comes from, if any."""
    for canon, column in columns.items():
        if path == canon or path.startswith((canon + ".", canon + "[")) or \
                canon.startswith((path + ".", path + "[")):
            return column
    return None


def failure_message(exc: BaseException, override_columns: Sequence[str] = ()) -> str:
    """The manifest message of a failed row: the French message of the error, on one line,
    with the register column named when an override caused the problem."""
    if isinstance(exc, ValidationError) and override_columns:
        canon = {canonical_path(c): c for c in override_columns}
        problems, named = [], False
        for path, msg in exc.problems:
            column = _column_for(path, canon)
            if column and "colonne « " not in msg:
                msg = f"colonne « {column} » du registre : {msg}"
            named = named or column is not None
            problems.append((path, msg))
        text = one_line(str(type(exc)(exc.file, problems)))
        if not named:
            text += f" (valeurs remplacées par le registre : {', '.join(override_columns)})"
        return text
    if isinstance(exc, AccordgenError):
        # a write error says "no file was written" of its own file: in a batch, of this row
        return one_line(str(exc)).replace("aucun fichier n'a été écrit", "cette ligne n'a pas été générée")
    if isinstance(exc, OSError) and exc.errno in _DISK:
        where = f"{exc.filename} : " if exc.filename else ""
        return f"{where}{_DISK[exc.errno]} : cette ligne n'a pas été générée"
    return one_line(f"erreur inattendue ({type(exc).__name__} : {exc})")


def plural(n: int, singular: str, plural_form: str) -> str:
    return f"{n} {singular if n < 2 else plural_form}"
