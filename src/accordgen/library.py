"""The clause library: the legal service's approved clause variants, kept in Word.

Layout (``clauses/`` shipped with the package, overridden and extended by a workspace's own
``clauses/`` folder exactly like the templates)::

    clauses/<topic>/<variant>.docx   the wording, edited in Word; Jinja tags inside are rendered
                                     with the templates' strict, autoescaped, sandboxed env
    clauses/<topic>/<variant>.yaml   its sidecar:

        titre: Tribunal administratif          # French title
        description: À retenir quand ...       # when to use it (shown to drafters)
        parametres:                            # what the document's YAML gives
          - nom: tribunal
            type: texte                        # texte, date, montant, entier, liste, partie,
            requis: true                       # parties, duree, choix
            libelle: Siège du tribunal administratif
          - nom: base_legale
            type: choix                        # one of the keys of « valeurs »; the clause
            valeurs:                           # prints the text of the chosen key
              consentement: le consentement des personnes concernées (article 6.1 a) du RGPD)
            libelle: Base légale
          - nom: operations
            requis: false
            defaut: les opérations nécessaires à cette finalité   # used when left out
            libelle: Nature du traitement
        article: true                          # the variant is an article of its own (numbered
                                               # in the host; absent, the next ones close up)
        refus:                                 # conditions that refuse the variant
          - si: {partie_nature: collectivite}
            motif: un tribunal de commerce n'est pas compétent à l'égard d'une collectivité
        defaut_pour:                           # kinds for which it is the default variant
          - type: convention-specifique
            si: {partie_nature: collectivite}  # optional: default only when this holds

The condition language (``si``) is deliberately small: a mapping whose keys all must hold,

- ``partie_nature: X`` (or a list): some party of the accord has this nature
  (``collectivite``, ``societe``, ``association``, ...);
- ``aucune_partie_nature: X`` (or a list): no party has it;
- ``type: K`` (or a list): the document is of kind K.

A workspace file ``clauses/<topic>/<variant>.docx`` (with its sidecar) replaces the packaged
variant of the same name, or adds a variant; a new folder adds a topic. No Python change.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pydantic
from pydantic import Field

from .errors import AccordgenError
from .library_params import Parametre, TypeParametre, typed
from .models.base import Modele, Texte, french_problems
from .resources import current_workspace, packaged
from .yamlio import read_yaml

__all__ = ["Choice", "Clause", "Facts", "Library", "LibraryError", "Parametre", "TypeParametre", "Variant",
           "choose", "library_folders", "load_library", "read_sidecar"]

CLAUSES = "clauses"
ENV_CLAUSES = "ACCORDGEN_CLAUSES"
VARIANTE = "variante"


class LibraryError(AccordgenError):
    """A clause file of the library is unreadable or its sidecar is invalid (names the file
    and the field)."""


class Condition(Modele):
    partie_nature: list[str] | None = Field(default=None, description="Une partie a cette nature.")
    aucune_partie_nature: list[str] | None = Field(default=None, description="Aucune partie n'a cette nature.")
    type: list[str] | None = Field(default=None, description="Le document est de ce type.")

    @pydantic.field_validator("partie_nature", "aucune_partie_nature", "type", mode="before")
    @classmethod
    def _liste(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def holds(self, facts: Facts) -> bool:
        if self.partie_nature is not None and not set(self.partie_nature) & facts.natures:
            return False
        if self.aucune_partie_nature is not None and set(self.aucune_partie_nature) & facts.natures:
            return False
        return self.type is None or facts.kind in self.type


class Refus(Modele):
    si: Condition = Field(description="Condition qui refuse la variante.")
    motif: Texte = Field(description="Pourquoi, en français (repris dans le message d'erreur).")


class Defaut(Modele):
    type: str = Field(description="Type de document dont c'est la variante par défaut.")
    si: Condition | None = Field(default=None, description="Seulement quand cette condition est remplie.")


class Sidecar(Modele):
    titre: Texte = Field(description="Titre de la variante, en français.")
    description: Texte = Field(description="Quand la retenir : un paragraphe pour le rédacteur.")
    parametres: list[Parametre] = Field(default_factory=list, description="Paramètres de la variante.")
    refus: list[Refus] = Field(default_factory=list, description="Conditions qui refusent la variante.")
    defaut_pour: list[Defaut] = Field(default_factory=list, description="Types de document dont c'est le défaut.")
    article: bool = Field(default=False, description="La variante forme un article à part, numéroté à sa "
                          "place dans le modèle (sinon, les articles suivants se renumérotent).")
    intitule: Texte | None = Field(default=None, max_length=80, description="Complément de l'intitulé de "
                                   "l'article qui accueille la variante (« Subvention » : « DISPOSITIONS "
                                   "FINANCIÈRES – SUBVENTION ») ; sans lui, l'intitulé n'a pas de complément.")

    @pydantic.field_validator("defaut_pour", mode="before")
    @classmethod
    def _defauts(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"type": v} if isinstance(v, str) else v for v in value]
        return value


@dataclass(frozen=True)
class Facts:
    """What the conditions look at."""

    kind: str
    natures: frozenset[str]


@dataclass(frozen=True)
class Variant:
    topic: str
    name: str
    docx: Path
    sidecar_path: Path
    sidecar: Sidecar

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the Word file and its sidecar (part of the inputs hash), read once."""
        h = hashlib.sha256()
        h.update(self.docx.read_bytes())
        h.update(self.sidecar_path.read_bytes())
        return h.hexdigest()

    def refusal(self, facts: Facts) -> str | None:
        return next((r.motif for r in self.sidecar.refus if r.si.holds(facts)), None)


@dataclass
class Library:
    topics: dict[str, dict[str, Variant]] = field(default_factory=dict)

    def variant(self, topic: str, name: str) -> Variant | None:
        return self.topics.get(topic, {}).get(name)

    def default(self, topic: str, facts: Facts) -> Variant | None:
        """The default variant of ``topic`` for these facts: a conditional default whose
        condition holds beats an unconditional one; a refused variant is never a default."""
        best: tuple[int, Variant] | None = None
        for v in sorted(self.topics.get(topic, {}).values(), key=lambda v: v.name):
            for d in v.sidecar.defaut_pour:
                if d.type != facts.kind or (d.si is not None and not d.si.holds(facts)):
                    continue
                if v.refusal(facts) is None:
                    rank = 0 if d.si is not None else 1
                    if best is None or rank < best[0]:
                        best = (rank, v)
        return best[1] if best else None

    def __iter__(self) -> Iterator[Variant]:
        for topic in sorted(self.topics):
            yield from (self.topics[topic][n] for n in sorted(self.topics[topic]))


def library_folders(workspace: Path | None = None) -> list[Path]:
    """The folders the library is read from, later ones overriding earlier ones."""
    configured = os.environ.get(ENV_CLAUSES, "").strip()
    if configured:
        return [Path(configured)]
    folders = [packaged(CLAUSES)]
    ws = workspace if workspace is not None else current_workspace()
    if ws is not None and (ws / CLAUSES).is_dir():
        folders.append(ws / CLAUSES)
    return folders


def read_sidecar(path: Path) -> Sidecar:
    try:
        raw = read_yaml(path)
    except AccordgenError as exc:
        raise LibraryError(str(exc)) from None
    if not isinstance(raw, dict):
        raise LibraryError(f"{path} : fiche de clause invalide (attendu : titre, description, parametres...)")
    try:
        return Sidecar.model_validate(raw)
    except pydantic.ValidationError as exc:
        problems = "\n".join(f"- {where or '(racine)'} : {msg}" for where, msg in french_problems(exc))
        raise LibraryError(f"{path} : fiche de clause invalide :\n{problems}") from None


def load_library(workspace: Path | None = None) -> Library:
    """Every variant of the library, the workspace's replacing or extending the packaged ones.
    Raises :class:`LibraryError` for a Word file without sidecar or an invalid sidecar."""
    lib = Library()
    for folder in library_folders(workspace):
        if not folder.is_dir():
            continue
        for topic_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            for docx in sorted(topic_dir.glob("*.docx")):
                if docx.name.startswith(("~$", ".")):
                    continue
                sidecar = docx.with_suffix(".yaml")
                if not sidecar.is_file():
                    raise LibraryError(f"{docx} : fiche {sidecar.name} absente (titre, description, "
                                       "parametres de la variante)")
                lib.topics.setdefault(topic_dir.name, {})[docx.stem] = Variant(
                    topic_dir.name, docx.stem, docx, sidecar, read_sidecar(sidecar))
    return lib


Stamps = tuple[tuple[str, int, int], ...]


def _stamps(folders: list[Path]) -> Stamps:
    """Name, modification time and size of every file of the library folders."""
    out = []
    for path in sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*/*")):
        with contextlib.suppress(OSError):
            st = path.stat()
            out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


class Libraries:
    """The library of each workspace, read again only when one of its files changed: owned by
    a :class:`~accordgen.dossier.Loader` (one per command, batch run or notebook kernel)."""

    def __init__(self) -> None:
        self._read: dict[Path | None, tuple[tuple[list[Path], Stamps], Library]] = {}

    def get(self, workspace: Path | None) -> Library:
        folders = library_folders(workspace)
        stamps = (folders, _stamps(folders))
        hit = self._read.get(workspace)
        if hit is None or hit[0] != stamps:
            hit = (stamps, load_library(workspace))
            self._read[workspace] = hit
        return hit[1]


# --- a document's choice -----------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """A topic's variant chosen for a document, with its parameters checked and typed."""

    variant: Variant
    values: dict[str, Any]
    default: bool


def choose(lib: Library, topics: tuple[str, ...], chosen: Mapping[str, Any], facts: Facts,
           parties: Mapping[str, Any]) -> tuple[dict[str, Choice], list[tuple[str, str]]]:
    """The variant of each topic the template uses (the document's choice, else the kind's
    default) and the problems as (field path, French message)."""
    out: dict[str, Choice] = {}
    problems: list[tuple[str, str]] = []
    for topic in chosen:
        if topic not in topics:
            known = ", ".join(topics) or "aucun"
            problems.append((f"clauses.{topic}", f"thème de clause inconnu ou sans emplacement dans ce modèle : "
                             f"« {topic} » (thèmes de ce document : {known})"))
    for topic in topics:
        raw = chosen.get(topic)
        if raw is None:
            variant = lib.default(topic, facts)
            if variant is None:
                problems.append((f"clauses.{topic}", f"aucune variante par défaut pour le thème « {topic} » : "
                                 f"choisissez-en une ({_names(lib, topic)})"))
                continue
            raw = {VARIANTE: variant.name}
            default = True
        else:
            default = False
        if not isinstance(raw, dict):
            problems.append((f"clauses.{topic}", f"attendu : « {VARIANTE}: NOM » puis les paramètres de la variante"))
            continue
        name = raw.get(VARIANTE)
        variant = lib.variant(topic, str(name)) if name is not None else None
        if variant is None:
            problems.append((f"clauses.{topic}.{VARIANTE}",
                             f"variante inconnue : « {name} » (variantes du thème « {topic} » : {_names(lib, topic)})"
                             if name is not None else f"indiquez la variante ({_names(lib, topic)})"))
            continue
        motif = variant.refusal(facts)
        if motif:
            problems.append((f"clauses.{topic}.{VARIANTE}",
                             f"la variante « {variant.name} » ({variant.sidecar.titre}) est refusée : {motif}"))
        declared = {p.nom: p for p in variant.sidecar.parametres}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key == VARIANTE:
                continue
            if key not in declared:
                problems.append((f"clauses.{topic}.{key}", f"paramètre inconnu de la variante « {variant.name} » "
                                 f"(paramètres : {', '.join(declared) or 'aucun'})"))
                continue
            try:
                values[key] = typed(declared[key], value, parties)
            except ValueError as exc:
                problems.append((f"clauses.{topic}.{key}", f"{declared[key].libelle} : {exc}"))
        for p in variant.sidecar.parametres:
            if p.nom not in raw:
                if p.requis:
                    problems.append((f"clauses.{topic}.{p.nom}", f"paramètre obligatoire de la variante "
                                     f"« {variant.name} » : {p.libelle}"))
                elif p.defaut is None:
                    values[p.nom] = None
                else:
                    try:
                        values[p.nom] = typed(p, p.defaut, parties)
                    except ValueError as exc:
                        problems.append((f"clauses.{topic}.{p.nom}", f"valeur par défaut de la fiche "
                                         f"{variant.sidecar_path.name} : {exc}"))
        out[topic] = Choice(variant, values, default)
    return out, problems


def _names(lib: Library, topic: str) -> str:
    return ", ".join(sorted(lib.topics.get(topic, {}))) or "aucune"


class Clause:
    """A chosen variant as a template prints it: ``{{p clauses.litiges }}`` (alone in its
    paragraph) inserts the variant's Word paragraphs, rendered with the document's context and
    the variant's parameters, with their styles, numbering and pictures (a sub-document, see
    :class:`accordgen.render.values.Subdoc`). Rendered once, on first print."""

    def __init__(self, choice: Choice, context: Mapping[str, Any],
                 filters: Mapping[str, Any] | None = None) -> None:
        self.choice = choice
        self.context = context
        self.filters = filters  # the workspace's (filtres.yaml), as in the host template
        self._subdoc: Any = None

    @property
    def variante(self) -> str:
        return self.choice.variant.name

    @property
    def titre(self) -> str:
        return self.choice.variant.sidecar.titre

    def subdoc(self) -> Any:
        if self._subdoc is None:
            from .render.engine import render_subdoc

            self._subdoc = render_subdoc(self.choice.variant.docx, {**self.context, **self.choice.values},
                                         filters=self.filters)
        return self._subdoc

    def __html__(self) -> str:
        from .render.values import current_session

        return current_session().subdoc_xml(self.subdoc())

    __str__ = __html__

    def __repr__(self) -> str:
        return f"Clause({self.choice.variant.topic}/{self.variante})"
