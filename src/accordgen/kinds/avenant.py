"""Renewal amendment (``type: avenant-renouvellement``): « Avenant n° N ... portant renouvellement ».

The term in force is the accord's period extended by the dossier's earlier signed renewals
(:meth:`Dossier.chain`); a renewal must be signed on or before the last day of that term
(code civil, art. 1212 to 1215): one dated later is refused, a new accord is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..chain import Chaine, empreinte
from ..models.accord import Accord
from ..models.avenant import ACTION_PARTICIPE, AvenantRenouvellement
from ..models.base import Statut, blocs, today
from ..models.deliberation import deliberation_warnings
from ..models.parties import Deliberation, Nature
from ..rules import dates
from ..rules.dates import Periode
from ..rules.fr import date_longue, duree
from .accord import accord_key_dates, accord_view
from .base import Category, DocumentKind, KeyDate, Problem, Span
from .resiliation import resiliation_problems, resiliation_warnings
from .signature import bloc as bloc_signature
from .signature import signataire as bloc_signataire

if TYPE_CHECKING:
    from ..dossier import Document

KIND = "avenant-renouvellement"


class AvenantKind(DocumentKind):
    name = KIND
    label = "Avenant de renouvellement"
    model = AvenantRenouvellement
    template = "avenant_renouvellement.docx"
    notebook = "avenant_renouvellement.ipynb"
    output = "avenant-{numero}"

    def dossier_problems(self, doc: Document) -> Iterator[Problem]:
        yield from _dossier_problems(doc.params, doc)
        yield from resiliation_problems(doc, "signature.date", doc.params.signature.date,
                                        "l'avenant est signé")

    def warnings(self, doc: Document) -> Iterator[Problem]:
        for path, delib in doc.params.deliberations_declarees():
            yield from deliberation_warnings(path, delib)
        yield from resiliation_warnings(doc, "signature.date", doc.params.signature.date,
                                        "l'avenant est signé")

    def context(self, doc: Document) -> dict[str, Any]:
        return _context(doc.params, doc)

    def title(self, doc: Document) -> str:
        return _titre_document(doc.params, doc.accord)

    def document_date(self, doc: Document) -> dt.date | None:
        return doc.params.signature.date

    def summary(self, doc: Document) -> list[tuple[str, str]]:
        return _resume(doc.params, doc)

    def nouvelle_periode(self, doc: Document) -> Periode:
        """The period the renewal grants, after the term it renews."""
        return _periodes(doc.params, doc)[3]

    def key_dates(self, doc: Document) -> list[KeyDate]:
        av: AvenantRenouvellement = doc.params
        rows = accord_key_dates(doc.accord)
        terme = doc.dossier.chain(av.numero).terme
        initiale = doc.accord.periode
        if terme is not None and initiale is not None and terme.fin != initiale.fin:
            rows.append(KeyDate("Terme en vigueur avant cet avenant", terme.fin))
        if av.signature.date:
            rows.append(KeyDate(f"{self.label} : signature", av.signature.date))
        nouvelle = self.nouvelle_periode(doc)
        rows.append(KeyDate("Nouvelle période : début", nouvelle.debut))
        rows.append(KeyDate("Nouvelle période : fin", nouvelle.fin))
        return rows

    def spans(self, doc: Document) -> list[Span]:
        av: AvenantRenouvellement = doc.params
        nouvelle = self.nouvelle_periode(doc)
        signe = any(r.numero == av.numero and r.fichier == doc.path
                    for r in doc.dossier.chain().renouvellements)
        etat = "" if signe else " (projet)" if av.statut is Statut.PROJET else " (non signé)"
        return [Span(f"{self.label} n° {av.numero}{etat}", nouvelle.debut, nouvelle.fin,
                     Category.RENOUVELLEMENT)]

    def hash_facts(self, doc: Document) -> Any:
        return _dossier_facts(doc.params, doc)

_ACTION_PARTICIPE = ACTION_PARTICIPE
_ACTION_NOM = {"remplacer": "remplacement", "clore": "clôture", "ajouter": "ajout"}



# --- checks against the accord and the dossier -------------------------------------
def _dossier_problems(av: AvenantRenouvellement, doc: Document) -> Iterator[tuple[str, str]]:
    accord: Accord = doc.accord
    if accord.signature.date is None:
        yield ("accord", "l'accord n'a pas de date de signature (signature.date de accord.yaml) : "
               "son terme est inconnu, il ne peut pas encore être renouvelé")
        return
    yield from _numero_problems(av, doc)
    chaine = doc.dossier.chain(av.numero)
    for ecarte in chaine.ecartes:
        yield ("numero",
               f"l'avenant n° {ecarte.numero} du dossier ({ecarte.fichier.name}) n'est pas pris en "
               f"compte : {ecarte.raison} ; corrigez-le avant d'établir l'avenant n° {av.numero}")
    yield from _signature_problems(av, accord, chaine)
    yield from _deliberation_problems(av, accord)
    yield from _representant_problems(av, accord, chaine)
    yield from _modification_problems(av, accord, chaine)

def _numero_problems(av: AvenantRenouvellement, doc: Document) -> Iterator[tuple[str, str]]:
    autres: dict[int, list[str]] = {}
    for e in doc.dossier.members(KIND):
        if e.path == doc.path or e.numero is None:
            continue
        autres.setdefault(e.numero, []).append(e.path.name)
    if av.numero in autres:
        yield ("numero", f"le n° {av.numero} est déjà celui de {', '.join(autres[av.numero])} "
               f"dans le dossier : deux avenants ne peuvent porter le même numéro")
        return
    precedents = sorted(n for n in autres if n < av.numero)
    attendu = (max(precedents) + 1) if precedents else 1
    manquants = [n for n in range(1, av.numero) if n not in autres]
    if manquants and attendu != av.numero:
        yield ("numero", f"les avenants précédents du dossier s'arrêtent au n° {attendu - 1} : "
               f"celui-ci doit porter le n° {attendu}" if precedents else
               "aucun avenant précédent dans le dossier : celui-ci doit porter le n° 1")
    elif manquants:
        yield ("numero", f"l'avenant n° {manquants[0]} manque dans le dossier : les numéros se "
               "suivent sans trou")

def _signature_problems(av: AvenantRenouvellement, accord: Accord, chaine: Chaine) -> Iterator[tuple[str, str]]:

    terme = chaine.terme
    signe = av.signature.date
    accord_signe = accord.signature.date
    assert terme is not None and accord_signe is not None
    if signe is None:
        jour = today()
        if jour > terme.fin:
            yield ("signature.date",
                   f"date laissée en blanc, mais l'accord a expiré le {date_longue(terme.fin)} au "
                   f"soir (dernier jour en vigueur) et l'avenant ne pourra être signé qu'à partir "
                   f"d'aujourd'hui ({date_longue(jour)}) : un accord expiré ne peut plus être "
                   "renouvelé par avenant (code civil, art. 1212 à 1215 : le renouvellement doit "
                   "être convenu avant le terme). Il faut conclure un nouvel accord.")
        return
    if signe < accord_signe:
        yield ("signature.date", f"avenant daté du {date_longue(signe)}, avant la signature de "
               f"l'accord ({date_longue(accord_signe)})")
    elif signe > terme.fin:
        yield ("signature.date",
               f"avenant daté du {date_longue(signe)}, or l'accord a expiré le "
               f"{date_longue(terme.fin)} au soir (dernier jour en vigueur) : un accord expiré "
               "ne peut plus être renouvelé par avenant (code civil, art. 1212 à 1215 : le "
               "renouvellement doit être convenu avant le terme). Il faut conclure un nouvel "
               f"accord, ou dater l'avenant au plus tard du {date_longue(terme.fin)}.")
    if chaine.renouvellements and signe < chaine.renouvellements[-1].signature:
        prec = chaine.renouvellements[-1]
        yield ("signature.date", f"avenant daté du {date_longue(signe)}, avant l'avenant "
               f"n° {prec.numero} qu'il suit (signé le {date_longue(prec.signature)})")

def _deliberation_problems(av: AvenantRenouvellement, accord: Accord) -> Iterator[tuple[str, str]]:
    keys = [p.cle for p in accord.parties]
    collectivites = [p.cle for p in accord.parties if p.nature is Nature.COLLECTIVITE]
    if av.deliberation is not None and len(collectivites) != 1:
        yield ("deliberation",
               f"l'accord compte {len(collectivites)} collectivité(s) : indiquez la délibération de "
               "chacune dans « deliberations », par clé de partie (« departement: ... »)")
        return
    for cle in (av.deliberations or {}):
        if cle not in keys:
            yield f"deliberations.{cle}", accord.partie_inconnue(cle)
    for path, delib in av.deliberations_declarees():
        if accord.signature.date and delib.date < accord.signature.date:
            yield (f"{path}.date",
                   f"délibération du {delib.date:%d/%m/%Y} antérieure à la signature de l'accord "
                   f"({accord.signature.date:%d/%m/%Y}) : elle ne peut autoriser son renouvellement")
    if av.deliberation is None:
        for cle in collectivites:
            if cle not in (av.deliberations or {}):
                field = "deliberations" if av.deliberations is not None else "deliberation"
                yield (field,
                       f"délibération obligatoire pour {accord.partie(cle).nom_texte} (partie "
                       f"« {cle} », collectivité) : indiquez celle qui autorise la signature de "
                       "l'avenant (organe, date, numero)")

def _representant_problems(av: AvenantRenouvellement, accord: Accord, chaine: Chaine) -> Iterator[tuple[str, str]]:
    keys = [p.cle for p in accord.parties]
    actuels = chaine.etat.representants
    for cle, personne in av.representants.items():
        if cle not in keys:
            yield f"representants.{cle}", accord.partie_inconnue(cle)
        elif personne == actuels[cle]:
            yield (f"representants.{cle}", "identique au représentant actuel de la partie : "
                   "retirez cette mise à jour")

def _modification_problems(av: AvenantRenouvellement, accord: Accord, chaine: Chaine) -> Iterator[tuple[str, str]]:
    keys = [p.cle for p in accord.parties]
    etat = chaine.etat
    ouverts = etat.ouverts
    for i, modif in enumerate(av.modifications):
        path = f"modifications[{i}]"
        ouvert = modif.axe in ouverts
        if modif.action == "ajouter":
            if modif.axe in etat.axes:
                libre = max(etat.axes) + 1
                yield (f"{path}.axe", f"l'axe n° {modif.axe} existe déjà"
                       + ("" if ouvert else " (clos)")
                       + f" : un nouvel axe prend un numéro jamais utilisé (prochain libre : {libre})"
                       + (" ; pour le modifier, action: remplacer" if ouvert else ""))
        elif modif.axe not in etat.axes:
            qui = "l'accord et ses avenants ne comptent" if chaine.renouvellements else "l'accord ne compte"
            yield (f"{path}.axe", f"axe n° {modif.axe} inconnu : {qui} que les axes "
                   f"n° {', '.join(map(str, ouverts))}")
        elif not ouvert:
            yield (f"{path}.axe", f"l'axe n° {modif.axe} a été clos par l'avenant "
                   f"n° {etat.clos[modif.axe].numero} : il ne peut plus être "
                   f"{_ACTION_PARTICIPE[modif.action]}")
        for j, apport in enumerate(modif.apports or []):
            if apport.partie not in keys:
                yield (f"{path}.apports[{j}].partie",
                       accord.partie_inconnue(apport.partie))
    clos = {m.axe for m in av.modifications if m.action == "clore"}
    ajoutes = {m.axe for m in av.modifications if m.action == "ajouter"}
    if clos and not (set(ouverts) - clos) and not ajoutes:
        yield ("modifications", "tous les axes de coopération seraient clos : l'accord n'aurait "
               "plus d'objet (concluez plutôt une résiliation)")

# --- what the template sees ----------------------------------------------------------
def _periodes(av: AvenantRenouvellement, doc: Document) -> tuple[Chaine, Periode, Periode, Periode]:
    """The chain before this amendment, the initial term, the term it renews, the new period."""
    accord: Accord = doc.accord
    chaine = doc.dossier.chain(av.numero)
    initiale, terme = accord.periode, chaine.terme
    assert initiale is not None and terme is not None
    d = av.duree_effective(accord)
    return chaine, initiale, terme, dates.renewal_period(terme, d.valeur, d.unite, accord.clauses.fin_de_terme)


def _context(av: AvenantRenouvellement, doc: Document) -> dict[str, Any]:
    accord: Accord = doc.accord
    chaine, initiale, terme, nouvelle = _periodes(av, doc)
    duree = av.duree_effective(accord)
    vue = accord_view(accord)

    autorisations = _autorisations(av, accord)
    parties = []
    for p in vue["parties"]:
        personne = av.representants.get(p["cle"]) or chaine.etat.representants[p["cle"]]
        delib = autorisations.get(p["cle"])
        parties.append(p | {"representant": personne.vue(),
                            "deliberation": delib.vue() if delib else None})
    by_key = {p["cle"]: p for p in parties}
    order = accord.signature.signataires or [p.cle for p in accord.parties]

    representants = []
    for p in parties:
        if p["cle"] in av.representants:
            ancien = chaine.etat.representants[p["cle"]]
            nouveau = av.representants[p["cle"]]
            representants.append({
                "partie": p, "ancien": ancien.vue(), "nouveau": nouveau.vue(),
                "meme_personne": ancien.nom_complet == nouveau.nom_complet,
            })

    article = 3 if representants else 2
    modifications = []
    for modif in av.modifications:
        article += 1
        actuel = chaine.etat.axes.get(modif.axe)
        modifications.append({
            "article": article,
            "action": modif.action,
            "axe": modif.axe,
            "titre_actuel": actuel.titre if actuel else None,
            "elements": modif.donnees(),
            "titre": modif.titre,
            "contexte": blocs(modif.contexte or []),
            "apports": [{"partie": by_key[a.partie], "texte": blocs(a.texte)}
                        for a in modif.apports or [] if a.partie in by_key],
            "sujets_introduction": modif.sujets_introduction,
            "sujets": modif.sujets or [],
        })

    return {
        "accord": vue,
        "numero": av.numero,
        "titre_document": _titre_document(av, accord),
        "date_document": av.signature.date,
        "parties": parties,
        "noms_parties": vue["noms_parties"],
        "signataires": [by_key[k] for k in order],
        "deliberations_accord": _deliberations_accord(accord),
        "deliberations": [{"partie": by_key[cle], "deliberation": d.vue()}
                          for cle, d in autorisations.items()],
        "periode_initiale": {"debut": initiale.debut, "fin": initiale.fin},
        "duree_initiale": accord.clauses.duree.model_dump(mode="python"),
        "precedents": [r.vue() for r in chaine.renouvellements],
        "terme": {"debut": terme.debut, "fin": terme.fin},
        "duree": duree.model_dump(mode="python"),
        "nouvelle_periode": {"debut": nouvelle.debut, "fin": nouvelle.fin},
        "renouvellement_expres": accord.clauses.renouvellement_expres,
        "representants": representants,
        "modifications": modifications,
        "articles": {
            "representants": 3 if representants else None,
            "autres": article + 1,
            "entree_en_vigueur": article + 2,
        },
        "signature_bloc": bloc_signature(av.signature.lieu, av.signature.date,
                               av.signature.exemplaires or accord.signature.exemplaires or len(accord.parties),
                               [bloc_signataire(by_key[k], by_key[k]["representant"]) for k in order]),
        "signature": {
            "lieu": av.signature.lieu,
            "date": av.signature.date,
            "exemplaires": (av.signature.exemplaires or accord.signature.exemplaires
                            or len(accord.parties)),
        },
    }

def _autorisations(av: AvenantRenouvellement, accord: Accord) -> dict[str, Deliberation]:
    """The authorising délibération of each party that has one, in the accord's order."""
    if av.deliberation is not None:
        cle = next(p.cle for p in accord.parties if p.nature is Nature.COLLECTIVITE)
        return {cle: av.deliberation}
    given = av.deliberations or {}
    return {p.cle: given[p.cle] for p in accord.parties if p.cle in given}

def _titre_document(av: AvenantRenouvellement, accord: Accord) -> str:
    return f"Avenant n° {av.numero} portant renouvellement – {accord.titre_effectif}"

def _dossier_facts(av: AvenantRenouvellement, doc: Document) -> Any:
    """The earlier renewals this amendment's text depends on (for the inputs hash)."""
    return empreinte(doc.dossier.chain(av.numero).renouvellements)

def _resume(av: AvenantRenouvellement, doc: Document) -> list[tuple[str, str]]:

    accord: Accord = doc.accord
    chaine, initiale, terme, nouvelle = _periodes(av, doc)
    d = av.duree_effective(accord)

    def periode(p: Periode) -> str:
        return f"du {date_longue(p.debut)} au {date_longue(p.fin)} inclus"

    rows = [
        ("Avenant", f"n° {av.numero} portant renouvellement de l'accord ({av.accord})"),
        ("Accord", accord.titre_effectif),
        ("Période initiale", f"{duree(accord.clauses.duree)}, {periode(initiale)}"),
    ]
    for r in chaine.renouvellements:
        rows.append((f"Avenant n° {r.numero}", f"signé le {date_longue(r.signature)}, "
                     f"{periode(r.periode)}"))
    rows += [
        ("Terme en vigueur", f"{date_longue(terme.fin)} inclus"),
        ("Signature", f"{av.signature.lieu}, " + (
            date_longue(av.signature.date) if av.signature.date
            else f"date laissée en blanc (à signer au plus tard le {date_longue(terme.fin)})")),
        ("Nouvelle durée", duree(d)),
        ("Nouvelle période", periode(nouvelle)),
    ]
    for cle, delib in _autorisations(av, accord).items():
        rows.append((f"Délibération ({accord.partie(cle).appellation})",
                     f"{delib.organe}" + (f" n° {delib.numero}" if delib.numero else "")
                     + f" du {date_longue(delib.date)}"))
    if av.representants:
        for cle, personne in av.representants.items():
            ancien = chaine.etat.representants[cle]
            rows.append((f"Représentant ({accord.partie(cle).appellation})",
                         f"{personne.civilite} {personne.nom_complet}, {personne.qualite} "
                         f"(remplace {ancien.civilite} {ancien.nom_complet})"))
    else:
        rows.append(("Représentants", "inchangés"))
    rows.append(("Modifications des axes", " ; ".join(
        f"axe n° {m.axe} : {_ACTION_NOM[m.action]}"
        + (f" ({', '.join(m.donnees())})" if m.action == "remplacer" else "")
        for m in av.modifications) or "aucune"))
    return rows



def _deliberations_accord(accord: Accord) -> list[dict[str, Any]]:
    """The délibérations that authorised the accord, each with its ACTES identifier if it has one."""
    acte = accord.actes.parsed if accord.actes else None
    out = []
    for p in accord.parties:
        if p.deliberation is None:
            continue
        vue = p.deliberation.vue()
        porte_actes = acte is not None and (p.siren == acte.siren or p.deliberation.date == acte.date_acte)
        out.append({"partie": p.vue(), "deliberation": vue,
                    "actes": accord.actes.identifiant if porte_actes and accord.actes else None})
    return out


