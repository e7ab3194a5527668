"""The clause-library topics of a specific convention: which variant each slot of the
template takes, the checks the sidecars cannot express, and what the template reads of them.

Topics: ``litiges``, ``contrepartie`` and ``donnees-personnelles``. Two former blocks still
work and then stand for a topic: ``contrepartie_financiere`` replaces the ``contrepartie`` slot
(its own wording, in the template), and ``donnees_personnelles`` is read as the variant of
``donnees-personnelles`` its roles call for (two controllers or more: responsables-conjoints;
one controller and processors: sous-traitance; one controller alone: responsable-unique),
with the same parameters. A variant whose sidecar says ``article: true`` is an article of its
own, numbered in the template (``art.donnees``); otherwise the template prints it inside
another article (the parties' declaration that no personal data is processed).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..library import Choice, Clause, Facts, choose
from ..models.convention import ConventionSpecifique, DonneesPersonnelles, message_reference_vide
from ..models.parties import Nature
from ..rules.identifiers import is_placeholder_reference
from .base import Problem

if TYPE_CHECKING:
    from ..dossier import Document

KIND = "convention-specifique"
TOPICS = ("litiges", "contrepartie", "donnees-personnelles")
DONNEES = "donnees-personnelles"


def facts(doc: Document) -> Facts:
    return Facts(KIND, frozenset(p.nature.value for p in doc.accord.parties))


def legacy_donnees(dp: DonneesPersonnelles) -> dict[str, Any]:
    """The ``donnees_personnelles`` block as the choice of a ``donnees-personnelles`` variant."""
    raw: dict[str, Any]
    if len(dp.responsables) > 1:
        raw = {"variante": "responsables-conjoints", "responsables": list(dp.responsables),
               "point_de_contact": dp.point_de_contact or dp.responsables[0], "operations": dp.operations}
        if dp.sous_traitants:
            raw["sous_traitants"] = list(dp.sous_traitants)
    elif dp.sous_traitants:
        raw = {"variante": "sous-traitance", "responsable": dp.responsables[0],
               "sous_traitants": list(dp.sous_traitants), "operations": dp.operations}
    else:
        raw = {"variante": "responsable-unique", "responsable": dp.responsables[0]}
    raw |= {"finalite": dp.finalite, "base_legale": dp.base_legale.value,
            "personnes_concernees": list(dp.personnes_concernees),
            "categories_donnees": list(dp.categories_donnees),
            "duree_conservation": {"valeur": dp.duree_conservation.valeur,
                                   "unite": dp.duree_conservation.unite.value},
            "conservation_depart": dp.duree_conservation.point_de_depart}
    if dp.destinataires:
        raw["destinataires"] = list(dp.destinataires)
    if dp.delegue_protection_donnees:
        raw["delegue_protection_donnees"] = dp.delegue_protection_donnees
    return raw


def choices(doc: Document, parties: Mapping[str, Any]) -> tuple[dict[str, Choice], list[Problem]]:
    """The variant of each slot, and the problems (field path, French message)."""
    cs: ConventionSpecifique = doc.params
    topics = TOPICS
    chosen = dict(cs.clauses)
    problems: list[Problem] = []
    if cs.contrepartie_financiere is not None:  # the former wording: no library clause then
        topics = tuple(t for t in topics if t != "contrepartie")
        if "contrepartie" in chosen:
            problems.append(("clauses.contrepartie", "la contrepartie est déjà décrite par le bloc "
                             "« contrepartie_financiere » : retirez l'un des deux (de préférence ce bloc, "
                             "remplacé par la variante de la bibliothèque de clauses)"))
            chosen.pop("contrepartie")
    legacy = False
    dp = cs.donnees_personnelles
    if dp is not None:
        keys = {p.cle for p in doc.accord.parties}
        if DONNEES in chosen:
            problems.append((f"clauses.{DONNEES}", "les données personnelles sont déjà décrites par le bloc "
                             "« donnees_personnelles » : retirez l'un des deux (ce bloc équivaut à la "
                             "variante « sous-traitance », « responsable-unique » ou « responsables-conjoints »)"))
            chosen.pop(DONNEES)
        elif {*dp.responsables, *dp.sous_traitants, dp.point_de_contact or dp.responsables[0]} <= keys:
            chosen[DONNEES] = legacy_donnees(dp)  # unknown keys: said on the block's own fields
            legacy = True
        else:
            topics = tuple(t for t in topics if t != DONNEES)
    out, found = choose(doc.dossier.library(), topics, chosen, facts(doc), parties)
    prefix = f"clauses.{DONNEES}"
    for path, message in found:
        if legacy and path.startswith(prefix):
            path = "donnees_personnelles" + path[len(prefix):].split(".variante")[0]
        problems.append((path, message))
    return out, problems


def clause_problems(doc: Document) -> Iterator[Problem]:
    keys = {p.cle: p.cle for p in doc.accord.parties}
    found, problems = choices(doc, keys)
    yield from problems
    cs: ConventionSpecifique = doc.params
    raw = cs.clauses.get(DONNEES)
    choice = found.get(DONNEES)
    if isinstance(raw, dict) and choice is not None and choice.variant.sidecar.article:
        yield from _roles_problems(doc, raw)
    contrepartie = found.get("contrepartie")
    if contrepartie is not None:  # the act or contract a consideration rests on: never « néant »
        for nom, quoi in REFERENCES_CONTREPARTIE.items():
            valeur = contrepartie.values.get(nom)
            if isinstance(valeur, str) and is_placeholder_reference(valeur):
                yield f"clauses.contrepartie.{nom}", message_reference_vide(valeur, quoi)


REFERENCES_CONTREPARTIE = {"reference": "du marché public", "acte": "de l'acte qui la décide ou la fixe"}
"""Parameters of the « contrepartie » variants that name the act or contract it rests on."""


def _roles_problems(doc: Document, raw: Mapping[str, Any]) -> Iterator[Problem]:
    """What the GDPR requires of the roles a data variant names (the library checked the keys)."""
    here = f"clauses.{DONNEES}"
    keys = {p.cle for p in doc.accord.parties}

    def cles(name: str) -> list[str]:
        value = raw.get(name)
        value = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [v for v in value if v in keys]

    responsables = cles("responsables") or cles("responsable")
    sous = cles("sous_traitants")
    if "responsables" in raw and len(set(responsables)) < 2:
        yield (f"{here}.responsables", "des responsables conjoints sont deux au moins (article 26 du RGPD) : "
               "pour un seul responsable, retenez « sous-traitance » ou « responsable-unique »")
    contact = raw.get("point_de_contact")
    if isinstance(contact, str) and contact in keys and contact not in responsables:
        yield (f"{here}.point_de_contact", f"« {contact} » n'est pas l'un des responsables du traitement "
               f"({', '.join(responsables)})")
    for cle in sous:
        if cle in responsables:
            yield (f"{here}.sous_traitants", f"« {cle} » est déjà responsable du traitement : une partie est "
                   "responsable ou sous-traitant, pas les deux")
    publiques = [doc.accord.partie(c) for c in responsables if doc.accord.partie(c).nature is Nature.COLLECTIVITE]
    if publiques and not raw.get("delegue_protection_donnees"):
        yield (f"{here}.delegue_protection_donnees",
               f"{publiques[0].nom_texte} est responsable du traitement et, autorité publique, a désigné un "
               "délégué à la protection des données (article 37 du RGPD) : indiquez ses coordonnées, que la "
               "convention communique aux personnes concernées")
    if publiques and raw.get("base_legale") == "interets_legitimes":
        yield (f"{here}.base_legale",
               f"{publiques[0].nom_texte} est une autorité publique : l'intérêt légitime ne peut fonder les "
               "traitements qu'elle effectue dans l'exécution de ses missions (article 6.1, dernier alinéa, "
               "du RGPD) ; retenez plutôt mission_interet_public")


def chosen(doc: Document) -> dict[str, Choice]:
    """The variants, checked with the parties' keys (for hashes, summaries, warnings)."""
    return choices(doc, {p.cle: p.cle for p in doc.accord.parties})[0]


def donnees_article(found: Mapping[str, Choice]) -> bool:
    """Whether the personal-data variant is an article of its own (``art.donnees``)."""
    choice = found.get(DONNEES)
    return choice is not None and choice.variant.sidecar.article


def template_clauses(found: Mapping[str, Choice], context: dict[str, Any],
                     workspace: Path | None = None) -> dict[str, Clause]:
    """``clauses`` as the template reads it, by topic: ``{{p clauses.litiges }}``, or
    ``{{p clauses['donnees-personnelles'] }}`` for a topic whose name has a hyphen."""
    from ..render.filters import read_filters  # render imports the kinds: not at import time

    filters = read_filters(workspace)[0]  # the workspace's filtres.yaml, as in the host template
    return {topic: Clause(choice, context, filters) for topic, choice in found.items()}


def donnees_vue(found: Mapping[str, Choice]) -> dict[str, Any] | None:
    """The personal-data article as the former template read it (``donnees.responsables``,
    ``donnees.conjoints``...): None when the variant is not an article."""
    if not donnees_article(found):
        return None
    choice = found[DONNEES]
    v = choice.values
    responsables = v.get("responsables") or ([v["responsable"]] if v.get("responsable") else [])
    duree = v.get("duree_conservation")
    return {**v, "variante": choice.variant.name, "responsables": responsables,
            "sous_traitants": v.get("sous_traitants") or [], "conjoints": len(responsables) > 1,
            "point_de_contact": v.get("point_de_contact") or (responsables[0] if responsables else None),
            "dpd_partie": next((r for r in responsables if isinstance(r, Mapping)
                                and r.get("nature") == "collectivite"), responsables[0] if responsables else None),
            "base_legale_texte": v.get("base_legale"),
            "duree_conservation": ({**duree, "point_de_depart": v.get("conservation_depart")}
                                   if isinstance(duree, Mapping) else duree)}
