"""THE loader: a dossier folder -> a typed :class:`Dossier`; a document's YAML -> a validated
:class:`Document`.

A dossier is the folder of an ``accord.yaml`` and every YAML beside it that points at it (its
*members*); YAML files in its sub-folders that point at it are *hypotheses* (``scenarios/``):
they see the dossier, the dossier does not count them. Every file is read and validated once
per :class:`Loader`; the renewal chain and the state of the accord at a date are computed once
per dossier. No other module reads a sibling YAML or scans a folder.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pydantic

from .chain import Candidat, Chaine, EtatAccord, appliquer, construire
from .errors import DossierError, InputError, UnknownKindError, ValidationError
from .kinds import get_kind
from .kinds.base import DocumentKind, KeyDate, Problem, Span
from .library import Libraries, Library
from .models.accord import Accord
from .models.avenant import AvenantRenouvellement
from .models.base import Modele, Statut, french_problems
from .models.derive import DocumentDerive
from .overrides import set_path
from .resources import find_workspace
from .rules import a_completer
from .safeio import resolve as resolve_path
from .yamlio import read_yaml

__all__ = ["Document", "Dossier", "Entry", "Loader", "load", "resolve", "set_path",
           "validate_params"]


@dataclass(frozen=True)
class Entry:
    """One YAML file of a dossier folder that declares a ``type`` (or could not be read)."""

    path: Path  # absolute
    rel: Path  # relative to the dossier folder
    kind: str  # the declared type ("?" when unreadable)
    raw: dict[str, Any] | None = field(repr=False)
    params: Modele | None = field(default=None, repr=False)  # None: unreadable or invalid
    problems: tuple[Problem, ...] = ()  # why params is None
    error: str | None = None  # why the file could not be read

    @property
    def valid(self) -> bool:
        return self.params is not None

    @property
    def numero(self) -> int | None:
        n = self.raw.get("numero") if self.raw else None
        return n if isinstance(n, int) and not isinstance(n, bool) else None

    @property
    def hypothese(self) -> bool:
        """In a sub-folder (``scenarios/``): it sees the dossier, the dossier does not count it."""
        return len(self.rel.parts) > 1

    def first_problem(self) -> str:
        """« champ : message » of the first problem, or the read error."""
        if self.error:
            return self.error
        if not self.problems:
            return ""
        path, msg = self.problems[0]
        first = msg.splitlines()[0] if msg else ""
        return f"{path} : {first}" if path else first


class Dossier:
    """One accord and the documents derived from it, read and validated once.

    Made by a :class:`Loader` (which keeps it while the files do not change)."""

    def __init__(self, accord_path: Path, accord: Accord, entries: list[Entry], workspace: Path | None = None,
                 libraries: Libraries | None = None) -> None:
        self.accord_path = accord_path
        self.folder = accord_path.parent
        self.accord = accord
        self.entries = entries  # every typed YAML under the folder, by relative path
        self._here = {e.path for e in entries if self._points_here(e)}  # resolved once
        self._states: dict[dt.date | None, EtatAccord] = {}
        self._chains: dict[tuple[int | None, bool], Chaine] = {}
        self.workspace = workspace  # the workspace holding the dossier, if any
        self.libraries = libraries or Libraries()  # the Loader's, shared by its dossiers

    def __repr__(self) -> str:
        return f"Dossier({self.folder})"

    # --- the files ------------------------------------------------------------------------
    def points_here(self, entry: Entry) -> bool:
        """The entry is the accord or a document whose ``accord`` field leads to it."""
        return entry.path in self._here

    def _points_here(self, entry: Entry) -> bool:
        ref = entry.raw.get("accord") if entry.raw else None
        if entry.path == self.accord_path:
            return True
        if not isinstance(ref, str):
            return False
        try:
            return resolve_path(entry.path.parent / ref) == self.accord_path
        except InputError:
            return False

    def members(self, kind: str) -> list[Entry]:
        """The documents of one kind that count in the dossier (beside the accord, pointing at
        it), valid or not, by file name."""
        return [e for e in self.entries
                if e.kind == kind and not e.hypothese and self.points_here(e)]

    def sibling_problems(self, path: Path | None = None) -> list[str]:
        """One French line per member that is invalid or unreadable (other than ``path``): what
        every command meeting the dossier reports once."""
        lines = []
        for e in self.entries:
            if e.path == path or e.hypothese:
                continue
            if e.error is not None:
                lines.append(f"{e.rel} : fichier ignoré, illisible ({e.error})")
            elif not e.valid and self.points_here(e):
                lines.append(f"{e.rel} : document invalide, non pris en compte ({e.first_problem()})")
        return lines

    def library(self) -> Library:
        """The clause library of the dossier's workspace, read again when a file changed."""
        return self.libraries.get(self.workspace)

    # --- the acts -------------------------------------------------------------------------
    def chain(self, before: int | None = None, projets: bool = False) -> Chaine:
        """The renewals numbered below ``before`` (all when None): those that count, those that
        do not and why, the term they lead to and the state they leave. Only final, dated
        amendments count as signed; with ``projets``, dated drafts count too, marked unsigned."""
        if (before, projets) not in self._chains:
            candidats = []
            for e in self.members("avenant-renouvellement"):
                n = e.numero
                if n is None or (before is not None and n >= before):
                    continue
                avenant = e.params if isinstance(e.params, AvenantRenouvellement) else None
                probleme = None if avenant else f"ses paramètres sont invalides ({e.first_problem()})"
                candidats.append(Candidat(n, e.path, avenant, probleme))
            self._chains[before, projets] = construire(self.accord, candidats, projets)
        return self._chains[before, projets]

    @property
    def term(self):  # noqa: ANN201 - Periode | None
        """The period in force after every signed renewal — the last one granted, or the initial
        term (None when the accord is unsigned); ``.fin`` is the accord's last day."""
        return self.chain().terme

    def state(self, at: dt.date | None) -> EtatAccord:
        """The accord as it stands on ``at``: the signed renewals signed on or before that day
        (all of them when ``at`` is None) replayed on it."""
        if at not in self._states:
            tous = self.chain().renouvellements
            self._states[at] = appliquer(self.accord, [r for r in tous if at is None or r.signature <= at])
        return self._states[at]


@dataclass
class Document:
    """A validated document: its kind, file, parameters and dossier."""

    kind: DocumentKind
    path: Path
    params: Any  # the kind's model
    dossier: Dossier = field(repr=False)

    @property
    def accord(self) -> Accord:
        return self.params if isinstance(self.params, Accord) else self.dossier.accord

    @property
    def accord_path(self) -> Path:
        return self.dossier.accord_path

    @property
    def hypothese(self) -> bool:
        """Outside its accord's folder (``scenarios/``): not counted by the dossier."""
        return self.path.parent != self.dossier.folder

    @cached_property
    def _context(self) -> dict[str, Any]:
        statut = self.params.statut_vue()
        context = self.kind.context(self) | {"statut": statut}
        if statut["projet"] and "signature_bloc" in context:  # a draft is not to be signed:
            context["signature_bloc"] = context["signature_bloc"] | {"a_signer": False}  # no PDF field
        return context

    def context(self) -> dict[str, Any]:
        """What the template sees: the kind's context and the draft status (``statut``)."""
        return copy.copy(self._context)

    def title(self) -> str:
        return self.kind.title(self)

    def summary(self) -> list[tuple[str, str]]:
        return self.kind.summary(self)

    def key_dates(self) -> list[KeyDate]:
        return self.kind.key_dates(self)

    def spans(self) -> list[Span]:
        return self.kind.spans(self)

    def warnings(self) -> list[str]:
        """French lines: the kind's warnings, then the dossier's invalid siblings."""
        own = [f"{p} : {m}" if p else m for p, m in self.kind.warnings(self)]
        own += [f"{p} : {a_completer.WARNING}" for p in a_completer.fields_to_complete(self.params.model_dump())]
        return own + self.dossier.sibling_problems(self.path)

    @property
    def output_stem(self) -> str:
        return self.kind.output_stem(self.params)

    @property
    def output_relpath(self) -> Path:
        """THE rule for where a document is generated, under an outputs folder, by the
        application, the notebooks, ``make demo`` and ``batch`` alike: ``<dossier folder>/
        [<sub-folder>/]<kind's name>.docx`` (a hypothesis in ``scenarios/`` keeps its
        sub-folder)."""
        folder = self.dossier.folder.resolve()
        try:
            sub = self.path.parent.resolve().relative_to(folder)
        except ValueError:
            sub = Path()
        return Path(folder.name) / sub / f"{self.output_stem}.docx"

    @property
    def template_path(self) -> Path:
        """The kind's template, as the document's workspace overrides it."""
        return self.kind.find_template(self.dossier.workspace)


# --- loading ----------------------------------------------------------------------------


def validate_params(raw: dict[str, Any], path: Path, kind: str | None = None) -> tuple[DocumentKind, Modele]:
    """Validate a document's parameters on their own: its ``type``, the model, the
    document's own checks. Raises :class:`ValidationError` naming ``path``."""
    declared = raw.get("type")
    if not isinstance(declared, str):
        raise ValidationError(path, [("type", "champ obligatoire manquant : le type du document "
                                               "(accord, avenant-renouvellement, ...)")])
    if kind is not None and declared != kind:
        raise ValidationError(path, [("type", f"ce fichier décrit un document « {declared} », "
                                              f"pas « {kind} »")])
    try:
        doc_kind = get_kind(declared)
    except UnknownKindError as exc:
        raise ValidationError(path, [("type", str(exc))]) from None
    try:
        params = doc_kind.model.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise ValidationError(path, french_problems(exc)) from None
    problems = list(doc_kind.problems(params))
    if getattr(params, "statut", None) is Statut.DEFINITIF:  # the text to sign: nothing left to fill
        problems += [(field, a_completer.PROBLEM) for field in a_completer.fields_to_complete(raw)]
    if problems:
        raise ValidationError(path, problems)
    return doc_kind, params


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _yaml_files(folder: Path) -> list[Path]:
    """The YAML files under ``folder``, hidden files and folders left out, by relative path."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith(".") and name.endswith((".yaml", ".yml")):
                found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


class Loader:
    """Reads dossiers and keeps each one while its files are unchanged: one per command, batch
    run or notebook kernel (its cache lives and dies with it)."""

    def __init__(self) -> None:
        self._dossiers: dict[Path, tuple[Any, Dossier]] = {}
        self._parsed: dict[Path, tuple[tuple[int, int] | None, dict[str, Any]]] = {}
        self.libraries = Libraries()

    def read(self, path: Path) -> dict[str, Any]:
        """A YAML file's data, parsed once while the file is unchanged (a batch reads the same
        accord.yaml for every row). Shared by every caller: read it, never change it (a copy
        first, as :meth:`load` does for overrides)."""
        stamp = _stamp(path)
        hit = self._parsed.get(path)
        if hit is None or stamp is None or hit[0] != stamp:
            hit = (stamp, read_yaml(path))
            self._parsed[path] = hit
        return hit[1]

    def dossier(self, accord_path: Path | str, referrer: Path | None = None) -> Dossier:
        """The dossier of ``accord_path``. Its accord must be valid: otherwise the error names
        ``referrer`` (the document that points at it), field ``accord``."""
        accord_path = resolve_path(accord_path)
        files = _yaml_files(accord_path.parent)
        stamps = (_stamp(accord_path), tuple((p, _stamp(p)) for p in files))
        hit = self._dossiers.get(accord_path)
        if hit and hit[0] == stamps:
            return hit[1]
        accord = self._accord(accord_path, referrer)
        entries = [self._entry(p, accord_path.parent) for p in files]
        dossier = Dossier(accord_path, accord, [e for e in entries if e is not None],
                          find_workspace(accord_path.parent), self.libraries)
        self._dossiers[accord_path] = (stamps, dossier)
        return dossier

    def _accord(self, accord_path: Path, referrer: Path | None) -> Accord:
        try:
            raw = self.read(accord_path)
            _kind, params = validate_params(raw, accord_path, "accord")
        except InputError as exc:
            if referrer is None:
                raise
            raise ValidationError(referrer, [("accord", f"accord référencé illisible : {exc}")]) from None
        except ValidationError as exc:
            if referrer is None:
                raise
            raise ValidationError(referrer, [("accord", f"l'accord référencé est invalide :\n{exc}")]) from None
        assert isinstance(params, Accord)
        return params

    def _entry(self, path: Path, folder: Path) -> Entry | None:
        rel = path.relative_to(folder)
        try:
            raw = self.read(path)
        except InputError as exc:
            return Entry(path, rel, "?", None, error=exc.message)
        declared = raw.get("type")
        if not isinstance(declared, str):
            return None  # not a document (a register, a configuration...)
        try:
            _kind, params = validate_params(raw, path)
        except ValidationError as exc:
            return Entry(path, rel, declared, raw, problems=tuple(exc.problems))
        return Entry(path, rel, declared, raw, params)

    def load(self, path: Path | str, kind: str | None = None,
             overrides: Mapping[str, Any] | None = None) -> Document:
        """Read, validate and cross-check one document; raise a French error naming the file
        and the field path on any problem."""
        raw = self.read(Path(path))  # the path as given: a message names a link, not its target
        path = resolve_path(path)
        if overrides:
            raw = copy.deepcopy(raw)
            for dotted, value in overrides.items():
                try:
                    set_path(raw, dotted, value)
                except ValueError as exc:
                    raise ValidationError(path, [(dotted, f"chemin inconnu dans ce document : {exc}")]) from None
        doc_kind, params = validate_params(raw, path, kind)
        return self.resolve(doc_kind, params, path)

    def resolve(self, doc_kind: DocumentKind, params: Modele, path: Path) -> Document:
        """Attach validated parameters to their dossier and run the checks against it.
        Raises :class:`ValidationError` or :class:`DossierError` naming ``path``."""
        if isinstance(params, Accord):
            accord_path = path
        else:
            assert isinstance(params, DocumentDerive)
            accord_path = resolve_path(path.parent / params.accord)
        dossier = self.dossier(accord_path, None if accord_path == path else path)
        doc = Document(doc_kind, path, params, dossier)
        problems = list(doc_kind.dossier_problems(doc))
        if problems:
            raise DossierError(path, problems)
        return doc

    def entries(self, folder: Path | str) -> list[Entry]:
        """Every YAML file under ``folder`` that declares a type (or cannot be read), each read
        and validated on its own, by relative path."""
        folder = Path(folder).resolve()
        return [e for p in _yaml_files(folder) if (e := self._entry(p, folder)) is not None]

    def documents(self, folder: Path | str) -> Iterator[tuple[Entry, Document | None, str | None]]:
        """Every document under a dossier folder, in path order: (entry, the loaded document
        or None, its first problem or None). Nothing raised: problems are reported."""
        for entry in self.entries(folder):
            if entry.params is None:
                yield entry, None, entry.first_problem()
                continue
            try:
                yield entry, self.resolve(get_kind(entry.kind), entry.params, entry.path), None
            except ValidationError as exc:
                yield entry, None, Entry(entry.path, entry.rel, entry.kind, entry.raw,
                                         problems=tuple(exc.problems)).first_problem()
            except InputError as exc:
                yield entry, None, exc.message


def load(path: Path | str, kind: str | None = None, overrides: Mapping[str, Any] | None = None) -> Document:
    """Load one document with a fresh :class:`Loader` (see :meth:`Loader.load`)."""
    return Loader().load(path, kind, overrides)


def resolve(doc_kind: DocumentKind, params: Modele, path: Path) -> Document:
    """Attach validated parameters to their dossier with a fresh :class:`Loader`."""
    return Loader().resolve(doc_kind, params, path)
