"""New documents written from the application: a dossier (its ``accord.yaml``) from the parties
and the accord's main fields, and in a dossier an amendment, a convention or a letter with the
next number and what the accord already says.

What the drafter did not give yet is written as « [à compléter] » (a text) so the new file is
valid at once and opens in the form; the document is a draft (``statut: projet``) until the
drafter says otherwise. Everything is validated by the kinds' models and checks before a byte is
written: on error a :class:`CreationError` lists each problem with the field's French label and
nothing is written. Files appear whole (atomic write) and never replace an existing one.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
import unicodedata
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

import pydantic
import yaml

from ..dossier import Loader, resolve, validate_params
from ..errors import AccordgenError, ValidationError
from ..kinds import get_kind
from ..render.output import write_atomic
from ..resources import DOSSIERS
from ..rules.a_completer import A_COMPLETER
from ..rules.saisie import date_saisie

ACCORD = "accord.yaml"
DERIVED = {  # kind -> (file prefix, French name for the header comment)
    "avenant-renouvellement": ("avenant", "Avenant de renouvellement n° {n}, créé"),
    "convention-specifique": ("convention", "Convention spécifique n° {n}, créée"),
    "lettre-resiliation": ("lettre", "Lettre de résiliation n° {n}, créée"),
}


class CreationError(AccordgenError):
    """The drafter's answers cannot make a valid document: ``problems`` are (label, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{label} : {msg}" if label else msg for label, msg in problems))


# --- a valid skeleton from a model ------------------------------------------------------------

def _placeholder(annotation: Any) -> Any:
    """A value a required field of type ``annotation`` accepts until the drafter fills it."""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return _placeholder(args[0])
    if origin is typing.Annotated:
        return _placeholder(args[0])
    if origin is typing.Literal:
        return args[0]
    if origin in (list, tuple):
        return [_placeholder(args[0])] if args else []
    if origin in (dict, Mapping):
        return {}
    if isinstance(annotation, type):
        if issubclass(annotation, pydantic.BaseModel):
            return skeleton(annotation)
        if issubclass(annotation, Enum):
            return next(iter(annotation)).value
        if issubclass(annotation, bool):
            return False
        if issubclass(annotation, int):
            return 1
    return A_COMPLETER


def skeleton(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    """The model's required fields, each with a placeholder (texts: « [à compléter] »)."""
    return {name: _placeholder(f.annotation) for name, f in model.model_fields.items() if f.is_required()}


def _set(raw: dict[str, Any], path: str, value: Any) -> None:
    """Set ``raw[a][0][b] = value`` for the path ``a[0].b``, creating mappings on the way."""
    keys: list[str | int] = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
    node: Any = raw
    for key, nxt in zip(keys, keys[1:], strict=False):
        if isinstance(key, int):
            while len(node) <= key:
                node.append({} if isinstance(nxt, str) else [])
            node = node[key]
        else:
            node = node.setdefault(key, {} if isinstance(nxt, str) else [])
    last = keys[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def _clean(value: Any) -> Any:
    """What the drafter typed: texts stripped, empty texts left out (None)."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _as_date(text: str) -> Any:
    """A typed date (« 03/03/2023 ») as a date, written unquoted in the YAML; else the text."""
    iso = date_saisie(text)
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return iso


def _label_for(path: str, labels: Mapping[str, str]) -> str:
    """The French label of the question behind ``path`` (or of its nearest parent), else the
    path said in words (« parties n° 1 › siren »)."""
    probe = path
    while probe:
        if probe in labels:
            return labels[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    from ..notebook.labels import chemin_lisible

    return chemin_lisible(path)


def _check(raw: dict[str, Any], path: Path, labels: Mapping[str, str], kind: str) -> None:
    try:
        doc_kind, params = validate_params(raw, path, kind)
        if kind != "accord":
            resolve(doc_kind, params, path)
    except ValidationError as exc:
        raise CreationError([(_label_for(p, labels), m) for p, m in exc.problems]) from None


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # a placeholder repeated is written each time
        return True


def _yaml_text(header: str, raw: dict[str, Any]) -> bytes:
    body = yaml.dump(raw, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=95,
                     default_flow_style=False)
    return (header + body).encode("utf-8")


def _write_new(path: Path, data: bytes) -> Path:
    if path.exists():
        raise CreationError([("", f"{path.name} existe déjà : rien n'a été écrit")])
    return write_atomic(path, data)


# --- a new dossier ----------------------------------------------------------------------------

def folder_name(text: str) -> str:
    """A dossier's folder name from what the drafter typed: lower case, no accents, hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:80]


def _key(appellation: str, taken: set[str]) -> str:
    base = folder_name(appellation).replace("-", "_") or "partie"
    if not base[0].isalpha():
        base = f"partie_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    taken.add(key)
    return key


PARTY_QUESTIONS = {  # answer -> (path under parties[i], French label)
    "denomination": ("denomination", "Dénomination"),
    "nature": ("nature", "Nature"),
    "appellation": ("appellation", "Nom court"),
    "genre": ("genre", "Genre"),
    "article": ("article", "Article"),
    "adresse": ("adresse", "Adresse"),
    "siren": ("siren", "SIREN"),
    "rcs_greffe": ("rcs_greffe", "Greffe du RCS (société)"),
    "civilite": ("representant.civilite", "Civilité du représentant"),
    "prenom": ("representant.prenom", "Prénom du représentant"),
    "nom": ("representant.nom", "Nom du représentant"),
    "qualite": ("representant.qualite", "Qualité du représentant"),
}
ACCORD_QUESTIONS = {  # answer -> (path, French label)
    "titre": ("titre", "Titre de l'accord"),
    "duree": ("clauses.duree.valeur", "Durée de l'accord (en années)"),
    "preavis": ("clauses.preavis_resiliation.valeur", "Préavis de résiliation (en jours)"),
    "reponse": ("clauses.delai_reponse_communication.valeur", "Délai de réponse aux communications (en jours)"),
    "confidentialite": ("clauses.confidentialite_survie.valeur", "Confidentialité après la fin (en années)"),
    "amiable": ("clauses.delai_reglement_amiable.valeur", "Règlement amiable (en mois)"),
    "juridiction": ("clauses.juridiction", "Juridiction compétente"),
    "lieu": ("signature.lieu", "Lieu de signature"),
    "date_signature": ("signature.date", "Date de signature"),
    "axes": ("axes", "Axes de coopération"),
}


def accord_raw(answers: Mapping[str, Any], parties: list[Mapping[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The new accord's parameters and the French label of each field asked."""
    model = get_kind("accord").model
    raw: dict[str, Any] = {"type": "accord", "statut": "projet"}
    raw.update({k: v for k, v in skeleton(model).items() if k not in raw})
    labels: dict[str, str] = {}
    taken: set[str] = set()
    party_raws = []
    for i, answer in enumerate(parties):
        party = skeleton(typing.get_args(model.model_fields["parties"].annotation)[0])
        for name, (path, label) in PARTY_QUESTIONS.items():
            labels[f"parties[{i}].{path}"] = f"Partie {i + 1} — {label}"
            value = _clean(answer.get(name))
            if name == "adresse" and isinstance(value, str):
                value = [line.strip() for line in value.splitlines() if line.strip()]
            if value is not None and value != []:
                _set(party, path, value)
            elif name in ("siren", "article", "rcs_greffe"):
                party.pop(path, None)
        party["cle"] = _key(str(answer.get("appellation") or answer.get("denomination") or ""), taken)
        labels[f"parties[{i}]"] = f"Partie {i + 1}"
        article = str(party.get("article") or "")
        denomination = str(party.get("denomination") or A_COMPLETER)
        if party.get("nature") == "societe":
            designation = f"La société {denomination}"
        elif article:
            designation = (f"{article.capitalize()}{denomination}" if article.endswith("'")
                           else f"{article.capitalize()} {denomination}")
        else:
            designation = denomination
        party["designation"] = designation
        order = list(typing.get_args(model.model_fields["parties"].annotation)[0].model_fields)
        party_raws.append(dict(sorted(party.items(), key=lambda kv: order.index(kv[0]))))
    raw["parties"] = party_raws
    labels.update(dict(ACCORD_QUESTIONS.values()))
    clauses = raw["clauses"]
    # the units the questions ask in; the values are the drafter's answers (no default: a
    # duration left empty is refused, naming its question)
    for name, unite in (("duree", "ans"), ("preavis_resiliation", "jours"),
                        ("delai_reponse_communication", "jours"), ("confidentialite_survie", "ans"),
                        ("delai_reglement_amiable", "mois")):
        clauses[name] = {"unite": unite}
    for name in ("duree", "preavis", "reponse", "confidentialite", "amiable"):
        value = _clean(answers.get(name))
        path = ACCORD_QUESTIONS[name][0]
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if value is not None:
            _set(raw, path, value)
    for name in ("titre", "juridiction", "lieu", "date_signature"):
        value = _clean(answers.get(name))
        if name == "date_signature" and value is not None:
            value = _as_date(value)
        if value is not None:
            _set(raw, ACCORD_QUESTIONS[name][0], value)
        elif name == "titre":
            raw.pop("titre", None)
    titles = [t.strip() for t in str(answers.get("axes") or "").splitlines() if t.strip()]
    axis = raw["axes"][0]
    raw["axes"] = [{**axis, "numero": n, "titre": t} for n, t in enumerate(titles or [A_COMPLETER], start=1)]
    return raw, labels


def new_dossier(workspace: Path, nom: str, answers: Mapping[str, Any],
                parties: list[Mapping[str, Any]]) -> Path:
    """Write ``dossiers/<nom>/accord.yaml``; returns its path. Raises CreationError (French,
    each field named) and writes nothing when an answer is invalid or the dossier exists."""
    folder = folder_name(nom)
    if not folder:
        raise CreationError([("Nom du dossier", "champ obligatoire : des lettres ou des chiffres")])
    target = workspace / DOSSIERS / folder
    if target.exists():
        raise CreationError([("Nom du dossier", f"le dossier « {folder} » existe déjà ; choisissez un autre nom")])
    raw, labels = accord_raw(answers, parties)
    _check(raw, target / ACCORD, labels, "accord")
    header = (f"# Accord de coopération — dossier « {folder} », créé par l'application le "
              f"{dt.date.today().strftime('%d/%m/%Y')}.\n# Les textes « {A_COMPLETER} » restent à "
              "rédiger (formulaire ou éditeur de texte).\n")
    target.mkdir(parents=True)
    try:
        return _write_new(target / ACCORD, _yaml_text(header, raw))
    except BaseException:
        target.rmdir() if target.is_dir() and not any(target.iterdir()) else None
        raise


# --- a new document in a dossier --------------------------------------------------------------

def next_number(loader: Loader, folder: Path, kind: str) -> int:
    numbers = [e.numero for e in loader.entries(folder) if e.kind == kind and e.numero is not None]
    return max(numbers, default=0) + 1


def next_path(folder: Path, kind: str, numero: int) -> Path:
    prefix = DERIVED[kind][0]
    path, n = folder / f"{prefix}-{numero}.yaml", numero
    while path.exists():
        n += 1
        path = folder / f"{prefix}-{numero}-{n}.yaml"
    return path


DOCUMENT_QUESTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "avenant-renouvellement": {
        "lieu": ("signature.lieu", "Lieu de signature"),
        "date_signature": ("signature.date", "Date de signature"),
        "deliberation_organe": ("deliberation.organe", "Délibération — organe"),
        "deliberation_date": ("deliberation.date", "Délibération — date"),
        "deliberation_numero": ("deliberation.numero", "Délibération — numéro"),
    },
    "convention-specifique": {
        "axe": ("axe", "Axe de l'accord"),
        "objet": ("objet", "Objet de la convention"),
        "date_debut": ("date_debut", "Date de début"),
        "date_fin": ("date_fin", "Date de fin"),
    },
    "lettre-resiliation": {
        "expediteur": ("expediteur", "Partie qui résilie"),
        "lieu": ("lieu", "Lieu d'envoi"),
        "date_envoi": ("date_envoi", "Date d'envoi"),
        "numero_lrar": ("numero_lrar", "Numéro de la lettre recommandée"),
        "motif": ("motif", "Motif"),
        "contact": ("contact.nom", "Agent qui suit l'affaire"),
    },
}
DATES = {"date_signature", "date_debut", "date_fin", "date_envoi", "deliberation_date"}


def document_raw(loader: Loader, accord_path: Path, kind: str, numero: int,
                 answers: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The new document's parameters: its kind's required fields, what the accord already
    knows (one entry per party where a field is by party), then the drafter's answers."""
    dossier = loader.dossier(accord_path)
    accord = dossier.accord
    model = get_kind(kind).model
    raw: dict[str, Any] = {"type": kind, "accord": ACCORD, "statut": "projet"}
    base = skeleton(model)
    raw.update({k: v for k, v in base.items() if k not in raw})
    if "numero" in model.model_fields:
        raw["numero"] = numero
    keys = [p.cle for p in accord.parties]
    for name, field in model.model_fields.items():  # fields by party: one entry for each party
        if name in raw and typing.get_origin(field.annotation) is dict and field.is_required():
            value_type = typing.get_args(field.annotation)[1]
            raw[name] = {k: _placeholder(value_type) for k in keys}
    labels = {path: label for path, label in DOCUMENT_QUESTIONS[kind].values()}
    for name, (path, _label) in DOCUMENT_QUESTIONS[kind].items():
        value = _clean(answers.get(name))
        if value is None:
            continue
        if name in DATES:
            value = _as_date(value)
        if name == "axe" and isinstance(value, str) and value.isdigit():
            value = int(value)
        _set(raw, path, value)
    if kind == "convention-specifique" and "objet" not in answers:
        axe = next((a for a in accord.axes if a.numero == raw.get("axe")), None)
        if axe is not None:
            raw["objet"] = axe.titre
    return raw, labels


def new_document(loader: Loader, accord_path: Path, kind: str, answers: Mapping[str, Any]) -> Path:
    """Write the dossier's next document of ``kind``; returns its path. Raises CreationError
    (French, each field named) and writes nothing when an answer is invalid."""
    if kind not in DERIVED:
        raise CreationError([("Type de document", f"« {kind} » ne se crée pas ici")])
    folder = accord_path.parent
    numero = next_number(loader, folder, kind)
    path = next_path(folder, kind, numero)
    raw, labels = document_raw(loader, accord_path, kind, numero, answers)
    _check(raw, path, labels, kind)
    header = (f"# {DERIVED[kind][1].format(n=numero)} par l'application le "
              f"{dt.date.today().strftime('%d/%m/%Y')}. Le reste (parties, axes, clauses) est lu "
              f"dans {ACCORD}.\n# Les textes « {A_COMPLETER} » restent à rédiger.\n")
    return _write_new(path, _yaml_text(header, raw))
