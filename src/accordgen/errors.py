"""Every error accordgen raises on purpose, under one base class.

Each subclass says when it is raised. Messages are in French: they are shown to legal
drafters in the terminal, in notebooks and in batch manifests.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from pathlib import Path


class AccordgenError(Exception):
    """Base of every error accordgen raises on purpose (exit status 2 in the CLI)."""

    def _render_traceback_(self) -> list[str]:
        # IPython/Jupyter show this instead of a Python traceback: a drafter sees the message.
        return [f"\x1b[31m{type(self).__name__}\x1b[0m : {self}"]


class InputError(AccordgenError):
    """Raised when a parameter file cannot be read or parsed (missing file, not YAML,
    duplicate keys, aliases beyond the limit, not valid UTF-8)."""

    def __init__(self, file: Path | str, message: str) -> None:
        self.file = str(file)
        self.message = message
        super().__init__(f"{self.file} : {message}")


class ValidationError(AccordgenError):
    """Raised when parameters are read but invalid: a missing field, a wrong type, an
    impossible date, an identifier that fails its check, documents that disagree.

    ``problems`` holds ``(field path, message)`` pairs, e.g. ``("parties[1].siren", "...")``.
    """

    def __init__(self, file: Path | str, problems: Iterable[tuple[str, str]]) -> None:
        self.file = str(file)
        self.problems = list(problems)
        lines = [f"{self.file} : paramètres invalides"]
        lines += [f"  - {path or '(racine)'} : {msg}" for path, msg in self.problems]
        super().__init__("\n".join(lines))


class DossierError(ValidationError):
    """Raised when a document is valid on its own but contradicts its dossier: an unknown
    axis, a date outside the accord's term, a number already used, a second termination."""


class TemplateError(AccordgenError):
    """Raised when a template cannot be read, does not parse, uses an undefined variable or
    tries something the sandbox forbids. Names the template."""

    def __init__(self, template: Path | str, message: str) -> None:
        self.template = str(template)
        super().__init__(f"modèle {self.template} : {message}")


class OutputError(AccordgenError):
    """Raised when an output file cannot be written (read-only or full folder, bad name).
    Nothing is left under the final name."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path} : {message}")


class UnknownKindError(AccordgenError):
    """Raised when a document kind is not in the registry."""


class RegisterError(AccordgenError):
    """Raised when a batch register cannot be read or lacks a required column."""


class PdfError(AccordgenError):
    """Raised when a PDF is asked for and LibreOffice is missing (what to install), or when it
    fails to convert a DOCX (names the DOCX, with the end of LibreOffice's messages). No PDF,
    not even a partial one, is left under the final name then."""

    def __init__(self, message: str, docx: Path | str | None = None) -> None:
        self.docx = str(docx) if docx is not None else ""
        self.message = message
        super().__init__(f"{self.docx} : {message}" if self.docx else message)


_READ_MESSAGES = {
    errno.ENOENT: "fichier introuvable",
    errno.ENOTDIR: "fichier introuvable (un élément du chemin n'est pas un dossier)",
    errno.ELOOP: "lien symbolique en boucle : il ne mène à aucun fichier",
    errno.EACCES: "lecture refusée (droits insuffisants)",
    errno.EPERM: "lecture refusée (droits insuffisants)",
    errno.ENAMETOOLONG: "chemin trop long",
    errno.EISDIR: "c'est un dossier, pas un fichier",
}
_WRITE_MESSAGES = {
    errno.EACCES: "écriture refusée (droits insuffisants sur le dossier de sortie)",
    errno.EPERM: "écriture refusée (droits insuffisants sur le dossier de sortie)",
    errno.EROFS: "le dossier de sortie est en lecture seule",
    errno.ENOSPC: "disque plein : aucun fichier n'a été écrit",
    errno.EDQUOT: "quota disque dépassé : aucun fichier n'a été écrit",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ENOTDIR: "le chemin de sortie traverse un fichier qui n'est pas un dossier",
    errno.EEXIST: "le chemin de sortie traverse un fichier qui n'est pas un dossier",
    errno.EISDIR: "c'est un dossier : indiquez un nom de fichier (.docx)",
    errno.ENOENT: "dossier de sortie introuvable et impossible à créer",
    errno.EIO: "erreur d'entrée-sortie du disque : aucun fichier n'a été écrit",
}


def read_error_message(exc: OSError) -> str:
    """What a drafter reads when a file cannot be read."""
    return _READ_MESSAGES.get(exc.errno or 0, f"lecture impossible ({exc.strerror})")


def write_error_message(exc: OSError) -> str:
    """What a drafter reads when an output cannot be written (nothing was written)."""
    return _WRITE_MESSAGES.get(exc.errno or 0,
                               f"écriture impossible (erreur système {exc.errno} : {exc.strerror})")
