"""Specific implementing convention (``type: convention-specifique``).

The convention implements the accord as it stands on the day it is signed
(:meth:`Dossier.state`): the initial period extended by the renewals signed on or before that
day, with their updated representatives and axis changes. Its term must lie inside that term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..chain import EtatAccord, empreinte
from ..library import Choice
from ..models.accord import Accord, Axe
from ..models.base import blocs
from ..models.convention import ARTICLES, BaseLegale, ConventionSpecifique
from ..models.parties import Nature
from ..rules import dates
from ..rules.fr import NBSP, date_longue, liste, montant
from .accord import accord_key_dates, accord_view
from .base import Category, DocumentKind, KeyDate, Problem, Span
from .convention_clauses import (
    TOPICS,
    choices,
    chosen,
    clause_problems,
    donnees_article,
    donnees_vue,
    template_clauses,
)
from .convention_warnings import convention_warnings, retroactivite_vue
from .resiliation import resiliation_problems, resiliation_warnings
from .signature import bloc as bloc_signature
from .signature import signataire as bloc_signataire

if TYPE_CHECKING:
    from ..dossier import Document

KIND = "convention-specifique"


class ConventionKind(DocumentKind):
    name = KIND
    label = "Convention spécifique"
    model = ConventionSpecifique
    template = "convention_specifique.docx"
    notebook = "convention_specifique.ipynb"
    output = "convention-specifique-{numero}"
    clause_topics = TOPICS
    """The clause slots of the template (``{{p clauses.litiges }}``), filled from the library."""

    def dossier_problems(self, doc: Document) -> Iterator[Problem]:
        yield from _dossier_problems(doc.params, doc)
        yield from clause_problems(doc)
        yield from resiliation_problems(doc, "date_signature", doc.params.date_signature,
                                        "la convention est signée")

    def warnings(self, doc: Document) -> Iterator[Problem]:
        yield from convention_warnings(doc.params, doc)
        yield from resiliation_warnings(doc, "date_signature", doc.params.date_signature,
                                        "la convention est signée")

    def context(self, doc: Document) -> dict[str, Any]:
        return _context(doc.params, doc)

    def title(self, doc: Document) -> str:
        cs: ConventionSpecifique = doc.params
        return _titre_document(cs, doc.accord, _etat(cs, doc).axes[cs.axe])

    def document_date(self, doc: Document) -> dt.date | None:
        return doc.params.date_signature

    def summary(self, doc: Document) -> list[tuple[str, str]]:
        return _resume(doc.params, doc)

    def key_dates(self, doc: Document) -> list[KeyDate]:
        cs: ConventionSpecifique = doc.params
        terme = _etat(cs, doc).terme
        assert terme is not None
        rows = accord_key_dates(doc.accord)
        if cs.date_signature:
            rows.append(KeyDate(f"{self.label} : signature", cs.date_signature))
        rows.append(KeyDate(f"{self.label} : premier jour en vigueur", cs.date_debut))
        rows.append(KeyDate(f"{self.label} : dernier jour en vigueur", cs.date_fin))
        if doc.accord.periode is None or terme.fin != doc.accord.periode.fin:
            rows.append(KeyDate("Dernier jour en vigueur de l'accord", terme.fin))
        survie = doc.accord.clauses.confidentialite_survie
        rows.append(KeyDate("Fin de l'obligation de confidentialité (survie)",
                            dates.survival_end(terme.fin, survie.valeur, survie.unite)))
        return rows

    def spans(self, doc: Document) -> list[Span]:
        cs: ConventionSpecifique = doc.params
        return [Span(f"{self.label} n° {cs.numero} (axe {cs.axe})", cs.date_debut, cs.date_fin,
                     Category.CONVENTION)]

    def hash_facts(self, doc: Document) -> Any:
        return {"renouvellements": _dossier_facts(doc.params, doc),
                "clauses": {t: [c.variant.name, c.variant.digest] for t, c in chosen(doc).items()}}


# --- checks against the accord and the dossier -------------------------------------
def _dossier_problems(cs: ConventionSpecifique, doc: Document) -> Iterator[tuple[str, str]]:
    accord: Accord = doc.accord
    etat = _etat(cs, doc)
    yield from _axe_problems(cs, etat)
    yield from _partie_problems(cs, accord)
    yield from _numero_problems(cs, doc)
    if accord.periode is None:
        yield ("accord",
               "l'accord n'a pas de date de signature (signature.date de accord.yaml) : une "
               "convention spécifique met en œuvre un accord signé ; datez d'abord l'accord")
        return
    yield from _terme_problems(cs, doc, etat)

def _axe_problems(cs: ConventionSpecifique, etat: EtatAccord) -> Iterator[tuple[str, str]]:

    ouverts = " ; ".join(f"n° {n} « {a.titre} »" for n, a in sorted(etat.axes.items())
                         if n not in etat.clos)
    if cs.axe in etat.clos:
        r = etat.clos[cs.axe]
        yield ("axe", f"l'axe n° {cs.axe} « {etat.axes[cs.axe].titre} » a été clos par "
               f"l'avenant n° {r.numero} ({r.fichier.name}) signé le {date_longue(r.signature)} : "
               f"une convention signée depuis ne peut plus le mettre en œuvre (axes ouverts : {ouverts})")
    elif cs.axe not in etat.axes:
        yield ("axe", f"l'accord n'a pas d'axe n° {cs.axe} (axes de l'accord : {ouverts})")

def _partie_problems(cs: ConventionSpecifique, accord: Accord) -> Iterator[tuple[str, str]]:
    keys = [p.cle for p in accord.parties]

    def inconnue(path: str, cle: str) -> Iterator[tuple[str, str]]:
        if cle not in keys:
            yield path, accord.partie_inconnue(cle)

    for i, action in enumerate(cs.actions):
        if action.pilote:
            yield from inconnue(f"actions[{i}].pilote", action.pilote)
    par_partie: dict[str, Mapping[str, Any]] = {
        "engagements": cs.engagements, "referents": cs.referents,
        "deliberations": cs.deliberations, "signataires": cs.signataires}
    for champ, valeurs in par_partie.items():
        for cle in valeurs:
            yield from inconnue(f"{champ}.{cle}", cle)
    for champ, label in (("engagements", "ses engagements"), ("referents", "son référent")):
        for p in accord.parties:
            if p.cle not in par_partie[champ]:
                yield (champ, f"indiquez {label} pour {p.nom_texte} (clé « {p.cle} ») : "
                       "chaque partie en a")
    if cs.date_signature:
        for p in accord.parties:
            if p.nature is Nature.COLLECTIVITE and p.cle not in cs.deliberations:
                yield ("deliberations",
                       f"{p.nom_texte} (clé « {p.cle} ») est une collectivité : indiquez la "
                       "délibération qui autorise la signature de la convention (organe, article, "
                       "date, numero), ou laissez date_signature vide tant qu'elle n'est pas prise")
    dp = cs.donnees_personnelles
    if dp is not None:
        for j, cle in enumerate(dp.responsables):
            yield from inconnue(f"donnees_personnelles.responsables[{j}]", cle)
        for j, cle in enumerate(dp.sous_traitants):
            yield from inconnue(f"donnees_personnelles.sous_traitants[{j}]", cle)
        if dp.point_de_contact:
            yield from inconnue("donnees_personnelles.point_de_contact", dp.point_de_contact)
        publiques = [c for c in dp.responsables if c in keys
                     and accord.partie(c).nature is Nature.COLLECTIVITE]
        if publiques and dp.delegue_protection_donnees is None:
            yield ("donnees_personnelles.delegue_protection_donnees",
                   f"{accord.partie(publiques[0]).nom_texte} est responsable du traitement et, "
                   "autorité publique, a désigné un délégué à la protection des données (article 37 "
                   "du RGPD) : indiquez ses coordonnées, que la convention communique aux personnes "
                   "concernées")
        if dp.base_legale is BaseLegale.INTERETS_LEGITIMES:
            publics = [c for c in dp.responsables if c in keys
                       and accord.partie(c).nature is Nature.COLLECTIVITE]
            if publics:
                yield ("donnees_personnelles.base_legale",
                       f"{accord.partie(publics[0]).nom_texte} est une autorité publique : l'intérêt "
                       "légitime ne peut fonder les traitements qu'elle effectue dans l'exécution de "
                       "ses missions (article 6.1, dernier alinéa, du RGPD) ; retenez plutôt "
                       "mission_interet_public")
    cp = cs.contrepartie_financiere
    if cp is not None:
        yield from inconnue("contrepartie_financiere.payeur", cp.payeur)
        yield from inconnue("contrepartie_financiere.beneficiaire", cp.beneficiaire)

def _numero_problems(cs: ConventionSpecifique, doc: Document) -> Iterator[tuple[str, str]]:
    for e in doc.dossier.members(KIND):
        if e.path != doc.path and e.numero == cs.numero:
            yield ("numero", f"le n° {cs.numero} est déjà celui de {e.path.name} dans le dossier : "
                   "chaque convention spécifique porte un numéro distinct")

def _terme_problems(cs: ConventionSpecifique, doc: Document, etat: EtatAccord) -> Iterator[tuple[str, str]]:

    accord: Accord = doc.accord
    initiale, terme = accord.periode, etat.terme
    assert initiale is not None and terme is not None
    complet = doc.dossier.state(None).terme
    assert complet is not None
    if cs.date_debut < initiale.debut:
        yield ("date_debut",
               f"début le {date_longue(cs.date_debut)}, avant la signature de l'accord "
               f"({date_longue(initiale.debut)}) : la convention ne peut s'appliquer avant l'accord "
               "qu'elle met en œuvre")
    if cs.date_signature is not None and not complet.contient(cs.date_signature):
        quand = (f"avant la signature de l'accord ({date_longue(complet.debut)})"
                 if cs.date_signature < complet.debut
                 else f"après le terme de l'accord ({date_longue(complet.fin)} inclus)")
        yield ("date_signature",
               f"signature le {date_longue(cs.date_signature)}, {quand} : une convention "
               "spécifique se signe pendant que l'accord qu'elle met en œuvre est en vigueur")
    if cs.date_fin > terme.fin:
        message = (f"fin le {date_longue(cs.date_fin)}, après le terme de l'accord "
                   f"({date_longue(terme.fin)} inclus) : la convention ne peut aller au-delà de "
                   "l'accord qu'elle met en œuvre ; arrêtez-la au plus tard à cette date")
        if complet.fin > terme.fin:
            message += (f" (le renouvellement de l'accord jusqu'au {date_longue(complet.fin)} a été "
                        "signé après la convention : prolongez-la par avenant une fois l'accord "
                        "renouvelé)")
        yield ("date_fin", message)

# --- values ---------------------------------------------------------------------
def _etat(cs: ConventionSpecifique, doc: Document) -> EtatAccord:
    """The accord as it stands when this convention is signed (today's state while unsigned)."""
    return doc.dossier.state(cs.date_signature)

def _articles(donnees: bool) -> dict[str, int | None]:
    """Article number of each article key (``donnees`` is ``None`` when the personal-data
    variant is not an article of its own)."""
    numbers: dict[str, int | None] = {}
    n = 0
    for key in ARTICLES:
        if key == "donnees" and not donnees:
            numbers[key] = None
            continue
        n += 1
        numbers[key] = n
    return numbers

def _titre_document(cs: ConventionSpecifique, accord: Accord, axe: Axe) -> str:
    return (f"Convention spécifique n° {cs.numero} portant application de l'axe n° {cs.axe} "
            f"« {axe.titre} » de l'accord de coopération signé le "
            f"{_date_simple(accord.signature.date)} entre {_entre(accord)}")

def _context(cs: ConventionSpecifique, doc: Document) -> dict[str, Any]:
    accord: Accord = doc.accord
    vue = accord_view(accord)
    etat = _etat(cs, doc)
    axe = etat.axes[cs.axe]
    parties = []
    for p in vue["parties"]:
        cle = p["cle"]
        signataire = cs.signataires.get(cle) or etat.representants[cle]
        delib = cs.deliberations.get(cle)
        parties.append(p | {
            "designation_texte": p["designation"][:1].lower() + p["designation"][1:],
            "signataire": signataire.vue(),
            "habilitation": delib.vue() if delib else None,
            "engagements": cs.engagements.get(cle, []),
            "referent": cs.referents[cle].vue(),
        })
    by_key = {p["cle"]: p for p in parties}
    found = choices(doc, by_key)[0]
    order = accord.signature.signataires or [p.cle for p in accord.parties]
    terme = etat.terme
    assert terme is not None
    survie = accord.clauses.confidentialite_survie
    context: dict[str, Any] = {
        "accord": vue,
        "titre_document": _titre_document(cs, accord, axe),
        "date_document": cs.date_signature,
        "numero": cs.numero,
        "axe": axe.vue(),
        "avenants": [r.vue() for r in etat.renouvellements],
        "objet": cs.objet,
        "preambule": blocs(cs.preambule),
        "parties": parties,
        "noms_parties": vue["noms_parties"],
        "signataires": [by_key[k] for k in order],
        "deliberations_accord": [
            {"partie": by_key[p.cle], "deliberation": accord.autorisation(p).vue()}  # type: ignore[union-attr]
            for p in accord.parties if p.deliberation
        ],
        "habilitations": [
            {"partie": by_key[p.cle], "deliberation": cs.deliberations[p.cle].vue()}
            for p in accord.parties if p.cle in cs.deliberations
        ],
        "actions": [
            a.model_dump(mode="python") | {
                "description": blocs(a.description),
                "pilote": by_key[a.pilote] if a.pilote else None,
            }
            for a in cs.actions
        ],
        "engagements_communs": cs.engagements_communs,
        "comite": cs.comite_pilotage.model_dump(mode="python"),
        "donnees": donnees_vue(found),
        "contrepartie": _contrepartie_vue(cs, by_key),
        "intitule_financier": _intitule_financier(cs, found),
        "date_signature": cs.date_signature,
        "date_debut": cs.date_debut,
        "retroactivite": retroactivite_vue(cs),
        "date_fin": cs.date_fin,
        "terme_accord": terme.fin,
        "fin_confidentialite": dates.survival_end(terme.fin, survie.valeur, survie.unite),
        "lieu_signature": cs.lieu_signature or accord.signature.lieu,
        "exemplaires": cs.exemplaires or len(accord.parties),
        "art": _articles(donnees_article(found)),
        "signature_bloc": bloc_signature(cs.lieu_signature or accord.signature.lieu, cs.date_signature,
                               cs.exemplaires or len(accord.parties),
                               [bloc_signataire(by_key[k], by_key[k]["signataire"]) for k in order]),
    }
    context["clauses"] = template_clauses(found, context, doc.dossier.workspace)
    return context

def _intitule_financier(cs: ConventionSpecifique, found: Mapping[str, Choice]) -> str | None:
    """What follows « DISPOSITIONS FINANCIÈRES – » in the financial article's heading: the
    chosen consideration's own (« Subvention » is not public procurement); the former block
    is a public-procurement price."""
    if cs.contrepartie_financiere is not None:
        return "Commande publique"
    choice = found.get("contrepartie")
    return choice.variant.sidecar.intitule if choice is not None else None


def _contrepartie_vue(cs: ConventionSpecifique, by_key: dict[str, Any]) -> dict[str, Any] | None:
    cp = cs.contrepartie_financiere
    if cp is None:
        return None
    return cp.model_dump(mode="python") | {
        "payeur": by_key[cp.payeur], "beneficiaire": by_key[cp.beneficiaire],
    }

def _dossier_facts(cs: ConventionSpecifique, doc: Document) -> Any:
    """The renewals the convention implements the accord after (part of its inputs hash)."""
    return empreinte(_etat(cs, doc).renouvellements)

def _resume(cs: ConventionSpecifique, doc: Document) -> list[tuple[str, str]]:
    accord: Accord = doc.accord
    etat = _etat(cs, doc)
    axe, terme = etat.axes[cs.axe], etat.terme
    assert terme is not None
    found = chosen(doc)
    arts = _articles(donnees_article(found))
    rows = [
        ("Convention", f"n° {cs.numero} : {cs.objet}"),
        ("Axe", f"n° {axe.numero} « {axe.titre} »"),
        ("Signature", f"{cs.lieu_signature or accord.signature.lieu}, " + (
            date_longue(cs.date_signature) if cs.date_signature else "date laissée en blanc")),
        ("Période", f"du {date_longue(cs.date_debut)} au {date_longue(cs.date_fin)} inclus"),
        ("Terme de l'accord (limite)", f"{date_longue(terme.fin)} inclus" + "".join(
            f", avenant n° {r.numero} du {date_longue(r.signature)}" for r in etat.renouvellements)),
        ("Actions", " ; ".join(f"{i}. {a.intitule}" for i, a in enumerate(cs.actions, 1))),
        ("Référents", " ; ".join(
            f"{accord.partie(c).appellation} : {r.civilite} {r.prenom} {r.nom}, {r.fonction}"
            for c, r in cs.referents.items())),
        ("Comité de pilotage", f"au moins {cs.comite_pilotage.reunions_par_an} réunion"
         f"{'s' if cs.comite_pilotage.reunions_par_an > 1 else ''} par an"),
    ]
    donnees = donnees_vue(found)
    if donnees is None:
        rows.append(("Données personnelles", "aucun traitement déclaré (pas d'article RGPD)"))
    else:
        roles = "responsables conjoints" if donnees["conjoints"] else "responsable"
        texte = f"article {arts['donnees']} : {roles} " + ", ".join(
            accord.partie(c).appellation for c in donnees["responsables"])
        if donnees["sous_traitants"]:
            texte += " ; sous-traitant " + ", ".join(accord.partie(c).appellation for c in donnees["sous_traitants"])
        rows.append(("Données personnelles", texte))
    cp = cs.contrepartie_financiere
    choix = found
    if cp is not None:
        rows.append(("Contrepartie", (montant(cp.montant) + f" {cp.taxes} – " if cp.montant else "")
                     + f"{cp.description} ({cp.reference_commande_publique})"))
    elif "contrepartie" in choix and choix["contrepartie"].variant.name != "aucune":
        rows.append(("Contrepartie", _resume_clause(choix["contrepartie"], accord)))
    else:
        rows.append(("Contrepartie", "aucune : convention à titre gratuit, chaque partie supporte ses frais"))
    if "litiges" in choix:
        rows.append(("Litiges", _resume_clause(choix["litiges"], accord)))
    return rows


def _resume_clause(choice: Choice, accord: Accord) -> str:
    """« Prix payé au titre d'un marché public : Référence du marché public … : n° 2023-045 ; … »:
    the variant's title and the values the document gives it, as the drafter wrote them."""
    valeurs = []
    for p in choice.variant.sidecar.parametres:
        value = choice.values.get(p.nom)
        if value is None:
            continue
        if isinstance(value, dt.date):
            value = date_longue(value)
        elif p.type == "montant":
            value = montant(value)
        elif p.type == "partie" and isinstance(value, str) and value in {q.cle for q in accord.parties}:
            value = accord.partie(value).appellation
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        libelle = p.libelle.split(" (")[0].replace(", en euros", "").replace("Clé de la partie ", "Partie ")
        valeurs.append(f"{libelle} : {value}")
    return choice.variant.sidecar.titre + (" – " + " ; ".join(valeurs) if valeurs else "")


def _date_simple(value: dt.date | None) -> str:
    return date_longue(value).replace(NBSP, " ")


def _entre(accord: Accord) -> str:
    return liste(p.designation[:1].lower() + p.designation[1:] for p in accord.parties)
