"""Renewal amendment (``type: avenant-renouvellement``): « Avenant n° N ... portant renouvellement ».

The amendment's YAML points at the dossier's ``accord.yaml`` and adds only what is new: its
number, the délibération that authorises it, the new term if it differs, updated
representatives, axis changes, and the place and date of signature.

The term in force is the accord's period extended by the dossier's earlier valid renewals
(:func:`terme_en_vigueur`); a renewal must be signed on or before the last day of that term
(Code civil, art. 1212 to 1215): one dated later is refused, a new accord is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import Field

from ..rules import dates
from ..rules.dates import Periode
from .accord import Accord, Apport
from .base import Bloc, Cle, Duree, Jour, Modele, Texte, blocs, today
from .derive import DocumentDerive
from .etat import EtatAccord, appliquer
from .parties import Deliberation, Nature, Personne

KIND = "avenant-renouvellement"

CHAMPS_AXE = ("titre", "contexte", "apports", "sujets_introduction", "sujets")


class Modification(Modele):
    """A change to the axes of cooperation (article 2 of the accord)."""

    action: Literal["remplacer", "ajouter", "clore"] = Field(
        description="remplacer (un ou plusieurs éléments d'un axe existant), ajouter (un nouvel "
        "axe) ou clore (un axe existant prend fin)."
    )
    axe: int = Field(
        ge=1, le=99,
        description="Numéro de l'axe : un axe existant pour remplacer ou clore, un numéro jamais "
        "utilisé pour ajouter.",
    )
    titre: Texte | None = Field(default=None, description="Nouvel intitulé de l'axe.")
    contexte: list[Bloc] | None = Field(
        default=None, min_length=1,
        description="Nouveau contexte : paragraphes, et listes écrites comme des listes YAML.",
    )
    apports: list[Apport] | None = Field(
        default=None, min_length=1, description="Nouveaux apports de chaque partie."
    )
    sujets_introduction: Texte | None = Field(
        default=None, description="Phrase qui introduit les sujets (avec « sujets »)."
    )
    sujets: list[Texte] | None = Field(
        default=None, min_length=1, description="Nouveaux sujets sur lesquels les parties conviennent de travailler."
    )

    def donnees(self) -> list[str]:
        """The axis elements this change provides, in the order of the accord's article 2."""
        return [name for name in CHAMPS_AXE if getattr(self, name) is not None]

    def problems(self, path: str) -> Iterator[tuple[str, str]]:
        fournis = self.donnees()
        if self.action == "clore":
            for name in fournis:
                yield f"{path}.{name}", "un axe clos n'a pas de nouveau contenu : retirez ce champ"
        elif self.action == "ajouter":
            for name in ("titre", "contexte"):
                if getattr(self, name) is None:
                    yield f"{path}.{name}", "champ obligatoire pour ajouter un axe"
        elif not fournis:
            yield path, ("indiquez au moins un élément à remplacer : titre, contexte, apports, "
                         "sujets_introduction ou sujets")
        if self.sujets_introduction is not None and self.sujets is None and self.action != "clore":
            yield f"{path}.sujets_introduction", "une phrase d'introduction suppose des « sujets »"


class SignatureAvenant(Modele):
    """Place and date of signature of the amendment."""

    lieu: Texte = Field(description="Lieu de signature (« Melun »).")
    date: Jour | None = Field(
        default=None,
        description="Date de signature (AAAA-MM-JJ), au plus tard le dernier jour du terme en "
        "vigueur ; laisser vide pour un avenant à signer (il doit alors l'être avant ce terme).",
    )
    exemplaires: int | None = Field(
        default=None, ge=1, le=20,
        description="Nombre d'exemplaires originaux (par défaut : celui de l'accord, sinon un par partie).",
    )


class AvenantRenouvellement(DocumentDerive):
    """Parameters of a renewal amendment (``type: avenant-renouvellement``)."""

    type: Literal["avenant-renouvellement"] = Field(
        description="Toujours « avenant-renouvellement » pour ce document."
    )
    numero: int = Field(
        ge=1, le=99,
        description="Numéro de l'avenant : 1 pour le premier, puis le suivant de ceux du dossier.",
    )
    deliberation: Deliberation | None = Field(
        default=None,
        description="Délibération qui autorise la signature de l'avenant, quand l'accord compte une "
        "seule collectivité (organe, article, date, numero).",
    )
    deliberations: dict[Cle, Deliberation] | None = Field(
        default=None,
        description="Délibérations qui autorisent la signature de l'avenant, par clé de partie "
        "(une par collectivité) ; à la place de « deliberation ».",
    )
    representants: dict[Cle, Personne] = Field(
        default_factory=dict,
        description="Nouveaux représentants, par clé de partie (civilite, prenom, nom, qualite). "
        "Les autres parties gardent leur représentant actuel.",
    )
    duree: Duree | None = Field(
        default=None,
        description="Durée du renouvellement (par défaut : la durée de l'accord, clauses.duree).",
    )
    modifications: list[Modification] = Field(
        default_factory=list,
        description="Modifications des axes de coopération : remplacer, ajouter ou clore un axe.",
    )
    signature: SignatureAvenant = Field(description="Lieu et date de signature de l'avenant.")

    # --- checks on the document alone ------------------------------------------------
    def problems(self) -> Iterator[tuple[str, str]]:
        if self.deliberation is not None and self.deliberations is not None:
            yield "deliberations", "indiquez « deliberation » ou « deliberations », pas les deux"
        axes = [m.axe for m in self.modifications]
        for i, modif in enumerate(self.modifications):
            path = f"modifications[{i}]"
            yield from modif.problems(path)
            if axes.count(modif.axe) > 1 and axes.index(modif.axe) != i:
                yield (f"{path}.axe", f"l'axe n° {modif.axe} est déjà modifié par "
                       f"modifications[{axes.index(modif.axe)}] : regroupez ses changements")
        signe = self.signature.date
        for path, delib in self._deliberations_declarees():
            if signe and delib.date > signe:
                yield (f"{path}.date",
                       f"délibération du {delib.date:%d/%m/%Y} postérieure à la signature de "
                       f"l'avenant ({signe:%d/%m/%Y}) : l'avenant ne peut être signé avant d'être autorisé")

    def _deliberations_declarees(self) -> list[tuple[str, Deliberation]]:
        if self.deliberation is not None:
            return [("deliberation", self.deliberation)]
        return [(f"deliberations.{cle}", d) for cle, d in (self.deliberations or {}).items()]

    def _duree(self, accord: Accord) -> Duree:
        return self.duree or accord.clauses.duree

    # --- checks against the accord and the dossier -------------------------------------
    def dossier_problems(self, doc: Any) -> Iterator[tuple[str, str]]:
        accord: Accord = doc.accord
        if accord.signature.date is None:
            yield ("accord", "l'accord n'a pas de date de signature (signature.date de accord.yaml) : "
                   "son terme est inconnu, il ne peut pas encore être renouvelé")
            return
        yield from self._numero_problems(doc)
        chaine = _chaine(accord, doc.dossier, self.numero)
        for ecarte in chaine.ecartes:
            yield ("numero",
                   f"l'avenant n° {ecarte.numero} du dossier ({ecarte.fichier.name}) n'est pas pris en "
                   f"compte : {ecarte.raison} ; corrigez-le avant d'établir l'avenant n° {self.numero}")
        yield from self._signature_problems(accord, chaine)
        yield from self._deliberation_problems(accord)
        yield from self._representant_problems(accord, chaine)
        yield from self._modification_problems(accord, chaine)

    def _numero_problems(self, doc: Any) -> Iterator[tuple[str, str]]:
        autres: dict[int, list[str]] = {}
        for path, raw in doc.dossier.documents(KIND):
            if path == doc.path:
                continue
            n = raw.get("numero")
            if isinstance(n, int) and not isinstance(n, bool):
                autres.setdefault(n, []).append(path.name)
        if self.numero in autres:
            yield ("numero", f"le n° {self.numero} est déjà celui de {', '.join(autres[self.numero])} "
                   f"dans le dossier : deux avenants ne peuvent porter le même numéro")
            return
        precedents = sorted(n for n in autres if n < self.numero)
        attendu = (max(precedents) + 1) if precedents else 1
        manquants = [n for n in range(1, self.numero) if n not in autres]
        if manquants and attendu != self.numero:
            yield ("numero", f"les avenants précédents du dossier s'arrêtent au n° {attendu - 1} : "
                   f"celui-ci doit porter le n° {attendu}" if precedents else
                   "aucun avenant précédent dans le dossier : celui-ci doit porter le n° 1")
        elif manquants:
            yield ("numero", f"l'avenant n° {manquants[0]} manque dans le dossier : les numéros se "
                   "suivent sans trou")

    def _signature_problems(self, accord: Accord, chaine: Chaine) -> Iterator[tuple[str, str]]:
        from ..rules.fr import date_longue

        terme = chaine.terme
        signe = self.signature.date
        accord_signe = accord.signature.date
        assert terme is not None and accord_signe is not None
        if signe is None:
            jour = today()
            if jour > terme.fin:
                yield ("signature.date",
                       f"date laissée en blanc, mais l'accord a expiré le {date_longue(terme.fin)} au "
                       f"soir (dernier jour en vigueur) et l'avenant ne pourra être signé qu'à partir "
                       f"d'aujourd'hui ({date_longue(jour)}) : un accord expiré ne peut plus être "
                       "renouvelé par avenant (Code civil, art. 1212 à 1215 : le renouvellement doit "
                       "être convenu avant le terme). Il faut conclure un nouvel accord.")
            return
        if signe < accord_signe:
            yield ("signature.date", f"avenant daté du {date_longue(signe)}, avant la signature de "
                   f"l'accord ({date_longue(accord_signe)})")
        elif signe > terme.fin:
            yield ("signature.date",
                   f"avenant daté du {date_longue(signe)}, or l'accord a expiré le "
                   f"{date_longue(terme.fin)} au soir (dernier jour en vigueur) : un accord expiré "
                   "ne peut plus être renouvelé par avenant (Code civil, art. 1212 à 1215 : le "
                   "renouvellement doit être convenu avant le terme). Il faut conclure un nouvel "
                   f"accord, ou dater l'avenant au plus tard du {date_longue(terme.fin)}.")
        if chaine.renouvellements and signe < chaine.renouvellements[-1].signature:
            prec = chaine.renouvellements[-1]
            yield ("signature.date", f"avenant daté du {date_longue(signe)}, avant l'avenant "
                   f"n° {prec.numero} qu'il suit (signé le {date_longue(prec.signature)})")

    def _deliberation_problems(self, accord: Accord) -> Iterator[tuple[str, str]]:
        keys = [p.cle for p in accord.parties]
        collectivites = [p.cle for p in accord.parties if p.nature is Nature.COLLECTIVITE]
        if self.deliberation is not None and len(collectivites) != 1:
            yield ("deliberation",
                   f"l'accord compte {len(collectivites)} collectivité(s) : indiquez la délibération de "
                   "chacune dans « deliberations », par clé de partie (« departement: ... »)")
            return
        for cle in (self.deliberations or {}):
            if cle not in keys:
                yield f"deliberations.{cle}", f"partie inconnue « {cle} » (parties : {', '.join(keys)})"
        for path, delib in self._deliberations_declarees():
            if accord.signature.date and delib.date < accord.signature.date:
                yield (f"{path}.date",
                       f"délibération du {delib.date:%d/%m/%Y} antérieure à la signature de l'accord "
                       f"({accord.signature.date:%d/%m/%Y}) : elle ne peut autoriser son renouvellement")
        if self.deliberation is None:
            for cle in collectivites:
                if cle not in (self.deliberations or {}):
                    field = "deliberations" if self.deliberations is not None else "deliberation"
                    yield (field,
                           f"délibération obligatoire pour {accord.partie(cle).nom_texte} (partie "
                           f"« {cle} », collectivité) : indiquez celle qui autorise la signature de "
                           "l'avenant (organe, date, numero)")

    def _representant_problems(self, accord: Accord, chaine: Chaine) -> Iterator[tuple[str, str]]:
        keys = [p.cle for p in accord.parties]
        actuels = chaine.etat.representants
        for cle, personne in self.representants.items():
            if cle not in keys:
                yield f"representants.{cle}", f"partie inconnue « {cle} » (parties : {', '.join(keys)})"
            elif personne == actuels[cle]:
                yield (f"representants.{cle}", "identique au représentant actuel de la partie : "
                       "retirez cette mise à jour")

    def _modification_problems(self, accord: Accord, chaine: Chaine) -> Iterator[tuple[str, str]]:
        keys = [p.cle for p in accord.parties]
        etat = chaine.etat
        ouverts = etat.ouverts
        for i, modif in enumerate(self.modifications):
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
                           f"partie inconnue « {apport.partie} » (parties : {', '.join(keys)})")
        clos = {m.axe for m in self.modifications if m.action == "clore"}
        ajoutes = {m.axe for m in self.modifications if m.action == "ajouter"}
        if clos and not (set(ouverts) - clos) and not ajoutes:
            yield ("modifications", "tous les axes de coopération seraient clos : l'accord n'aurait "
                   "plus d'objet (concluez plutôt une résiliation)")

    # --- what the template sees ----------------------------------------------------------
    def context(self, doc: Any) -> dict[str, Any]:
        accord: Accord = doc.accord
        chaine = _chaine(accord, doc.dossier, self.numero)
        initiale, terme = accord.periode, chaine.terme
        assert initiale is not None and terme is not None
        duree = self._duree(accord)
        nouvelle = dates.renewal_period(terme, duree.valeur, duree.unite, accord.clauses.fin_de_terme)
        vue = accord.vue()

        autorisations = self._autorisations(accord)
        parties = []
        for p in vue["parties"]:
            personne = self.representants.get(p["cle"]) or chaine.etat.representants[p["cle"]]
            delib = autorisations.get(p["cle"])
            parties.append(p | {"representant": personne.vue(),
                                "deliberation": delib.vue() if delib else None})
        by_key = {p["cle"]: p for p in parties}
        order = accord.signature.signataires or [p.cle for p in accord.parties]

        representants = []
        for p in parties:
            if p["cle"] in self.representants:
                ancien = chaine.etat.representants[p["cle"]]
                nouveau = self.representants[p["cle"]]
                representants.append({
                    "partie": p, "ancien": ancien.vue(), "nouveau": nouveau.vue(),
                    "meme_personne": ancien.nom_complet == nouveau.nom_complet,
                })

        article = 3 if representants else 2
        modifications = []
        for modif in self.modifications:
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
            "numero": self.numero,
            "titre_document": self.titre_document(accord),
            "date_document": self.signature.date,
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
            "signature": {
                "lieu": self.signature.lieu,
                "date": self.signature.date,
                "exemplaires": (self.signature.exemplaires or accord.signature.exemplaires
                                or len(accord.parties)),
            },
        }

    def _autorisations(self, accord: Accord) -> dict[str, Deliberation]:
        """The authorising délibération of each party that has one, in the accord's order."""
        if self.deliberation is not None:
            cle = next(p.cle for p in accord.parties if p.nature is Nature.COLLECTIVITE)
            return {cle: self.deliberation}
        given = self.deliberations or {}
        return {p.cle: given[p.cle] for p in accord.parties if p.cle in given}

    def titre_document(self, accord: Accord) -> str:
        return f"Avenant n° {self.numero} portant renouvellement – {accord.titre_effectif}"

    def dossier_facts(self, doc: Any) -> Any:
        """The earlier renewals this amendment's text depends on (for the inputs hash)."""
        return empreinte(_chaine(doc.accord, doc.dossier, self.numero).renouvellements)

    def resume(self, doc: Any) -> list[tuple[str, str]]:
        from ..rules.fr import date_longue, duree

        accord: Accord = doc.accord
        chaine = _chaine(accord, doc.dossier, self.numero)
        initiale, terme = accord.periode, chaine.terme
        assert initiale is not None and terme is not None
        d = self._duree(accord)
        nouvelle = dates.renewal_period(terme, d.valeur, d.unite, accord.clauses.fin_de_terme)

        def periode(p: Periode) -> str:
            return f"du {date_longue(p.debut)} au {date_longue(p.fin)} inclus"

        rows = [
            ("Avenant", f"n° {self.numero} portant renouvellement de l'accord ({self.accord})"),
            ("Accord", accord.titre_effectif),
            ("Période initiale", f"{duree(accord.clauses.duree)}, {periode(initiale)}"),
        ]
        for r in chaine.renouvellements:
            rows.append((f"Avenant n° {r.numero}", f"signé le {date_longue(r.signature)}, "
                         f"{periode(r.periode)}"))
        rows += [
            ("Terme en vigueur", f"{date_longue(terme.fin)} inclus"),
            ("Signature", f"{self.signature.lieu}, " + (
                date_longue(self.signature.date) if self.signature.date
                else f"date laissée en blanc (à signer au plus tard le {date_longue(terme.fin)})")),
            ("Nouvelle durée", duree(d)),
            ("Nouvelle période", periode(nouvelle)),
        ]
        for cle, delib in self._autorisations(accord).items():
            rows.append((f"Délibération ({accord.partie(cle).appellation})",
                         f"{delib.organe}" + (f" n° {delib.numero}" if delib.numero else "")
                         + f" du {date_longue(delib.date)}"))
        if self.representants:
            for cle, personne in self.representants.items():
                ancien = chaine.etat.representants[cle]
                rows.append((f"Représentant ({accord.partie(cle).appellation})",
                             f"{personne.civilite} {personne.nom_complet}, {personne.qualite} "
                             f"(remplace {ancien.civilite} {ancien.nom_complet})"))
        else:
            rows.append(("Représentants", "inchangés"))
        rows.append(("Modifications des axes", " ; ".join(
            f"axe n° {m.axe} : {_ACTION_NOM[m.action]}"
            + (f" ({', '.join(m.donnees())})" if m.action == "remplacer" else "")
            for m in self.modifications) or "aucune"))
        return rows


_ACTION_PARTICIPE = {"remplacer": "modifié", "clore": "clos", "ajouter": "ajouté"}
_ACTION_NOM = {"remplacer": "remplacement", "clore": "clôture", "ajouter": "ajout"}


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


# --- the chain of renewals of a dossier -------------------------------------------------

@dataclass(frozen=True)
class Renouvellement:
    """A valid renewal of the dossier: its number, file, signature date and the period it grants."""

    numero: int
    fichier: Path
    signature: dt.date
    periode: Periode
    duree: Duree
    avenant: AvenantRenouvellement

    def vue(self) -> dict[str, Any]:
        return {"numero": self.numero, "date_signature": self.signature,
                "debut": self.periode.debut, "fin": self.periode.fin,
                "duree": self.duree.model_dump(mode="python")}


@dataclass(frozen=True)
class Ecarte:
    """A renewal file of the dossier that does not count, and why (French)."""

    numero: int
    fichier: Path
    raison: str
    signe: bool = True  # False: a draft not signed yet, which simply does not count yet


@dataclass
class Chaine:
    """The dossier's renewals: those that count (in order), those that do not (and why), the
    last period they grant (``terme``), and the state of the accord they leave (``etat``)."""

    terme: Periode | None
    renouvellements: list[Renouvellement]
    ecartes: list[Ecarte]
    etat: EtatAccord


def _chaine(accord: Accord, dossier: Any, avant_numero: int | None) -> Chaine:
    """The chain of renewals numbered below ``avant_numero`` (all when None), built once per
    loaded dossier: every check, context and summary of a document asks for it."""
    return dossier.memo(("chaine", id(accord), avant_numero),
                        lambda: _construire_chaine(accord, dossier, avant_numero))


def _construire_chaine(accord: Accord, dossier: Any, avant_numero: int | None) -> Chaine:
    from ..rules.fr import date_longue

    terme = accord.periode
    chaine = Chaine(terme, [], [], appliquer(accord, []))
    if terme is None or accord.signature.date is None:
        return chaine
    candidats: list[tuple[int, Path, dict[str, Any]]] = []
    for path, raw in dossier.documents(KIND):
        n = raw.get("numero")
        if isinstance(n, bool) or not isinstance(n, int):
            continue
        if avant_numero is None or n < avant_numero:
            candidats.append((n, path, raw))
    candidats.sort(key=lambda c: (c[0], c[1].name))
    vus: set[int] = set()
    for n, path, raw in candidats:
        if n in vus:
            chaine.ecartes.append(Ecarte(n, path, "numéro déjà porté par un autre avenant du dossier"))
            continue
        vus.add(n)
        try:
            avenant = AvenantRenouvellement.model_validate(raw)
        except pydantic.ValidationError:
            chaine.ecartes.append(Ecarte(n, path, "ses paramètres sont invalides"))
            continue
        if next(iter(avenant.problems()), None) is not None:
            chaine.ecartes.append(Ecarte(n, path, "ses paramètres sont invalides"))
            continue
        signe = avenant.signature.date
        if signe is None:
            chaine.ecartes.append(Ecarte(n, path, "il n'est pas daté (pas encore signé)", signe=False))
            continue
        if signe < accord.signature.date or signe > terme.fin:
            chaine.ecartes.append(Ecarte(n, path, f"daté du {date_longue(signe)}, hors du terme en "
                                         f"vigueur (du {date_longue(terme.debut)} au "
                                         f"{date_longue(terme.fin)})"))
            continue
        duree = avenant._duree(accord)
        terme = dates.renewal_period(terme, duree.valeur, duree.unite, accord.clauses.fin_de_terme)
        chaine.renouvellements.append(Renouvellement(n, path, signe, terme, duree, avenant))
    chaine.terme = terme
    chaine.etat = appliquer(accord, chaine.renouvellements)
    return chaine


def empreinte(renouvellements: list[Renouvellement]) -> list[Any]:
    """What renewals bring to a document's inputs hash: every parameter of each amendment
    (its representatives and axis changes show in the documents that follow it)."""
    return [r.avenant.model_dump(mode="json") for r in renouvellements]


def renouvellements(accord: Accord, dossier: Any, avant_numero: int | None = None) -> list[Renouvellement]:
    """The dossier's valid renewals, in order (those numbered below ``avant_numero`` if given).

    A renewal counts when its YAML is valid, it is dated, and it was signed between the
    accord's signature and the last day of the term it renews. Others are skipped.
    """
    return _chaine(accord, dossier, avant_numero).renouvellements


def terme_en_vigueur(accord: Accord, dossier: Any, avant_numero: int | None = None) -> Periode | None:
    """The accord's period as extended by the dossier's valid renewals; ``None`` when the accord
    is not signed. With ``avant_numero``, only the renewals numbered below it count (the term
    that renewal n° ``avant_numero`` renews)."""
    return _chaine(accord, dossier, avant_numero).terme


def ecartes(accord: Accord, dossier: Any) -> list[Ecarte]:
    """The renewal files of the dossier that do not count, and why."""
    return _chaine(accord, dossier, None).ecartes


def etat_accord(accord: Accord, dossier: Any, signature: dt.date | None) -> EtatAccord:
    """The accord as it stands on ``signature``: the dossier's valid renewals signed on or
    before that day (all of them when ``signature`` is ``None``) replayed on it."""
    def calcul() -> EtatAccord:
        tous = _chaine(accord, dossier, None).renouvellements
        return appliquer(accord, [r for r in tous if signature is None or r.signature <= signature])

    return dossier.memo(("etat", id(accord), signature), calcul)
