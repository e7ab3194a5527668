"""Specific implementing convention (``type: convention-specifique``).

Article 1 of the accord requires every concrete action to be the object of a *convention
spécifique* that respects public procurement law. One convention implements one axis: its
YAML points at the dossier's ``accord.yaml``, names the axis by its number (the axis title and
context are read from the accord, never retyped) and adds what is new: actions, commitments,
term, referents, and the personal-data and financial options.

Public procurement is built in. By default the convention carries no price or equivalent
(Code de la commande publique, art. L. 1111-1): each party bears its own costs. A convention
that declares a consideration must name the public contract or procedure it belongs to.

The convention implements the accord as it stands on the day the convention is signed
(:func:`etat_accord`): the initial period extended by the dossier's renewals
(``avenant-renouvellement``) signed on or before that day, with their updated representatives
and their axis changes (an axis renamed or rewritten, added, or closed). Its term must lie
inside that term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from ..rules import dates
from ..rules.identifiers import EMAIL
from .accord import Accord, Axe
from .avenant import empreinte, etat_accord
from .base import Bloc, Cle, Jour, Modele, Montant, Texte, blocs
from .derive import DocumentDerive
from .etat import EtatAccord
from .parties import Deliberation, Nature, Personne

KIND = "convention-specifique"

# Article keys in the order of the template; the personal-data article exists only when the
# convention declares personal data, and the numbers that follow close up (no gap).
ARTICLES = (
    "objet", "actions", "engagements", "financier", "duree", "pilotage", "communication",
    "propriete", "donnees", "confidentialite", "assurances", "modification", "resiliation",
    "litiges",
)


_MESSAGE_COMMANDE_PUBLIQUE = (
    "une contrepartie (prix ou tout équivalent) est déclarée sans marché public de rattachement. "
    "Selon l'article L. 1111-1 du Code de la commande publique, un contrat conclu à titre onéreux "
    "pour répondre aux besoins d'un acheteur en matière de travaux, de fournitures ou de services, "
    "moyennant un prix ou tout équivalent, est un marché public : il doit être passé selon les "
    "règles de publicité et de mise en concurrence de ce code, et la convention spécifique ne peut "
    "pas en tenir lieu. Indiquez le marché ou la procédure dont relève cette contrepartie "
    "(« marché n° 2023-045 notifié le 15 mars 2023, procédure adaptée ») ou retirez le bloc "
    "« contrepartie_financiere » (la convention est alors conclue à titre gratuit)"
)


class BaseLegale(StrEnum):
    """Lawfulness of a processing (GDPR art. 6.1)."""

    CONSENTEMENT = "consentement"
    CONTRAT = "contrat"
    OBLIGATION_LEGALE = "obligation_legale"
    INTERETS_VITAUX = "interets_vitaux"
    MISSION_INTERET_PUBLIC = "mission_interet_public"
    INTERETS_LEGITIMES = "interets_legitimes"


BASES_LEGALES: dict[BaseLegale, str] = {
    BaseLegale.CONSENTEMENT: "le consentement des personnes concernées (article 6.1 a) du RGPD)",
    BaseLegale.CONTRAT: "l'exécution d'un contrat auquel la personne concernée est partie ou de "
    "mesures précontractuelles prises à sa demande (article 6.1 b) du RGPD)",
    BaseLegale.OBLIGATION_LEGALE: "le respect d'une obligation légale à laquelle le responsable "
    "du traitement est soumis (article 6.1 c) du RGPD)",
    BaseLegale.INTERETS_VITAUX: "la sauvegarde des intérêts vitaux de la personne concernée ou "
    "d'une autre personne physique (article 6.1 d) du RGPD)",
    BaseLegale.MISSION_INTERET_PUBLIC: "l'exécution d'une mission d'intérêt public ou relevant de "
    "l'exercice de l'autorité publique dont est investi le responsable du traitement (article 6.1 "
    "e) du RGPD)",
    BaseLegale.INTERETS_LEGITIMES: "les intérêts légitimes poursuivis par le responsable du "
    "traitement (article 6.1 f) du RGPD)",
}


class Action(Modele):
    """One concrete action carried out under the convention."""

    intitule: Texte = Field(description="Intitulé de l'action (« Parcours de visite en réalité augmentée »).")
    description: list[Bloc] = Field(
        min_length=1,
        description="Description : un paragraphe, ou une liste de paragraphes et de listes YAML.",
    )
    pilote: Cle | None = Field(
        default=None, description="Clé de la partie qui pilote l'action, s'il y en a une (« departement »)."
    )
    lieu: Texte = Field(description="Lieu(x) de réalisation (« Château de Blandy-les-Tours (77115) »).")
    calendrier: Texte = Field(description="Calendrier (« d'avril à octobre 2023 »).")
    livrables: list[Texte] = Field(min_length=1, description="Livrables attendus, un par ligne.")

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, value: Any) -> Any:
        """A single paragraph written as a string is a one-element list of paragraphs."""
        return [value] if isinstance(value, str) else value


class Referent(Modele):
    """The person who follows the convention for a party (article 11 of the accord)."""

    civilite: Literal["Monsieur", "Madame"] = Field(description="« Monsieur » ou « Madame ».")
    prenom: Texte = Field(description="Prénom.")
    nom: Texte = Field(description="Nom (usage : en capitales).")
    fonction: Texte = Field(description="Fonction et service (« cheffe du service patrimoine »).")
    courriel: Texte | None = Field(default=None, description="Adresse électronique (facultative).")
    telephone: Texte | None = Field(default=None, description="Téléphone (facultatif).")

    @field_validator("courriel")
    @classmethod
    def _courriel(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.fullmatch(value):
            raise ValueError(f"adresse électronique invalide : « {value} » (attendu : prenom.nom@exemple.fr)")
        return value

    def vue(self) -> dict[str, Any]:
        return self.model_dump(mode="python") | {"nom_complet": f"{self.prenom} {self.nom}"}


class ComitePilotage(Modele):
    """The steering committee of the convention."""

    composition: list[Texte] = Field(
        default_factory=list,
        description="Membres du comité en plus des référents (« le directeur des affaires culturelles "
        "du Département »). Vide : les référents seuls.",
    )
    reunions_par_an: int = Field(
        default=1, ge=1, le=12,
        description="Nombre minimal de réunions par an (au moins une : article 11 de l'accord).",
    )


class Conservation(Modele):
    """How long personal data are kept."""

    valeur: int = Field(ge=1, le=1000, description="Nombre (entier, au moins 1).")
    unite: dates.Unite = Field(description="Unité : jours, mois ou ans.")
    point_de_depart: Texte = Field(
        default="à compter de la fin de la présente convention",
        description="Point de départ de la durée (« à compter de la fin de l'action concernée »).",
    )


class DonneesPersonnelles(Modele):
    """Personal data exchanged or processed for the convention (GDPR clause)."""

    responsables: list[Cle] = Field(
        min_length=1,
        description="Clés des parties responsables du traitement (deux ou plus : responsables "
        "conjoints, article 26 du RGPD).",
    )
    sous_traitants: list[Cle] = Field(
        default_factory=list,
        description="Clés des parties qui traitent les données pour le compte du responsable "
        "(sous-traitants, article 28 du RGPD).",
    )
    point_de_contact: Cle | None = Field(
        default=None,
        description="Responsable auprès duquel les personnes exercent leurs droits, pour des "
        "responsables conjoints (par défaut : le premier).",
    )
    finalite: Texte = Field(description="Finalité du traitement (« l'organisation des ateliers ... »).")
    base_legale: BaseLegale = Field(
        description="Base légale (article 6.1 du RGPD) : consentement, contrat, obligation_legale, "
        "interets_vitaux, mission_interet_public ou interets_legitimes.",
    )
    personnes_concernees: list[Texte] = Field(
        min_length=1, description="Catégories de personnes concernées (« les bénéficiaires du RSA inscrits »)."
    )
    categories_donnees: list[Texte] = Field(
        min_length=1, description="Catégories de données (« nom et prénom », « adresse électronique »)."
    )
    destinataires: list[Texte] = Field(
        default_factory=list, description="Destinataires des données, en plus des parties (facultatif)."
    )
    duree_conservation: Conservation = Field(
        description="Durée de conservation : valeur, unite et point_de_depart."
    )


class ContrepartieFinanciere(Modele):
    """A consideration (price or equivalent): only under a public contract awarded under the code."""

    description: Texte = Field(
        description="Prestations ou avantages en contrepartie (« le développement de l'application de visite »)."
    )
    montant: Montant | None = Field(
        default=None, description="Montant en euros (1500.00), s'il s'agit d'un prix."
    )
    taxes: Literal["HT", "TTC"] = Field(default="HT", description="Montant HT (par défaut) ou TTC.")
    payeur: Cle = Field(description="Clé de la partie qui paie ou consent l'avantage.")
    beneficiaire: Cle = Field(description="Clé de la partie qui le reçoit.")
    reference_commande_publique: Texte | None = Field(
        default=None,
        description="Marché public ou procédure de la commande publique dont relève la contrepartie "
        "(« marché n° 2023-045 notifié le 15 mars 2023, procédure adaptée ») : obligatoire.",
    )

    @field_validator("montant")
    @classmethod
    def _montant(cls, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        if not value.is_finite() or value <= 0:
            raise ValueError("montant strictement positif attendu (par exemple 1500.00)")
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError("deux décimales au plus (les centimes)")
        return value


class ConventionSpecifique(DocumentDerive):
    """Parameters of a specific implementing convention (``type: convention-specifique``)."""

    type: Literal["convention-specifique"] = Field(
        description="Toujours « convention-specifique » pour ce document."
    )
    numero: int = Field(ge=1, le=999, description="Numéro de la convention, unique dans le dossier.")
    axe: int = Field(ge=1, le=99, description="Numéro de l'axe de coopération de l'accord qu'elle met en œuvre.")
    objet: Texte = Field(
        description="Objet, en un groupe nominal sans point final (« Expérimentation d'un parcours de "
        "visite en réalité augmentée au château de Blandy-les-Tours »)."
    )
    preambule: list[Bloc] = Field(
        default_factory=list,
        description="Paragraphes propres à la convention, ajoutés au préambule après le rappel de l'axe.",
    )
    actions: list[Action] = Field(min_length=1, description="Les actions (une au moins).")
    engagements: dict[Cle, Annotated[list[Texte], Field(min_length=1)]] = Field(
        description="Engagements de chaque partie, par clé de partie (« departement: » puis une liste)."
    )
    engagements_communs: list[Texte] = Field(
        default_factory=list, description="Engagements communs aux parties (facultatif)."
    )
    date_signature: Jour | None = Field(
        default=None,
        description="Date de signature (AAAA-MM-JJ), dans la durée de l'accord ; laisser vide pour "
        "une convention à signer.",
    )
    date_debut: Jour = Field(
        description="Premier jour d'application (AAAA-MM-JJ), au plus tôt le jour de la signature de l'accord."
    )
    date_fin: Jour = Field(
        description="Dernier jour d'application, inclus (AAAA-MM-JJ), au plus tard le terme de l'accord."
    )
    referents: dict[Cle, Referent] = Field(
        description="Référent de chaque partie, par clé de partie (civilite, prenom, nom, fonction, "
        "courriel, telephone)."
    )
    comite_pilotage: ComitePilotage = Field(
        default_factory=ComitePilotage,
        description="Comité de pilotage : composition et nombre minimal de réunions par an.",
    )
    donnees_personnelles: DonneesPersonnelles | None = Field(
        default=None,
        description="À remplir quand des données à caractère personnel sont échangées ou traitées : "
        "l'article RGPD est alors ajouté. Absent : pas d'échange de données personnelles.",
    )
    contrepartie_financiere: ContrepartieFinanciere | None = Field(
        default=None,
        description="Contrepartie (prix ou équivalent). Absente (par défaut) : convention à titre "
        "gratuit. Présente : le marché public de rattachement est obligatoire.",
    )
    deliberations: dict[Cle, Deliberation] = Field(
        default_factory=dict,
        description="Délibération qui autorise la signature de la convention, par clé de partie "
        "(obligatoire pour une collectivité dès que la convention est datée).",
    )
    signataires: dict[Cle, Personne] = Field(
        default_factory=dict,
        description="Signataires, par clé de partie (civilite, prenom, nom, qualite) ; par défaut les "
        "représentants de l'accord, tels que les avenants signés avant la convention les ont mis à jour.",
    )
    lieu_signature: Texte | None = Field(
        default=None, description="Lieu de signature (par défaut : celui de l'accord)."
    )
    exemplaires: int | None = Field(
        default=None, ge=1, le=20, description="Nombre d'exemplaires originaux (par défaut : un par partie)."
    )

    # --- checks on the document alone ------------------------------------------------
    def problems(self) -> Iterator[tuple[str, str]]:
        from ..rules.fr import date_longue

        if self.date_fin < self.date_debut:
            yield ("date_fin", f"fin ({date_longue(self.date_fin)}) antérieure au début "
                   f"({date_longue(self.date_debut)}) : la période va du premier au dernier jour inclus")
        if self.date_signature and self.date_signature > self.date_fin:
            yield ("date_signature", f"signature le {date_longue(self.date_signature)}, après la fin de la "
                   f"convention ({date_longue(self.date_fin)}) : elle ne s'appliquerait à rien")
        for cle, delib in self.deliberations.items():
            if self.date_signature and delib.date > self.date_signature:
                yield (f"deliberations.{cle}.date",
                       f"délibération du {delib.date:%d/%m/%Y} postérieure à la signature de la "
                       f"convention ({self.date_signature:%d/%m/%Y}) : la convention ne peut être signée "
                       "avant d'être autorisée")
        cp = self.contrepartie_financiere
        if cp is not None:
            if not cp.reference_commande_publique:
                yield "contrepartie_financiere.reference_commande_publique", _MESSAGE_COMMANDE_PUBLIQUE
            if cp.payeur == cp.beneficiaire:
                yield "contrepartie_financiere.beneficiaire", "la partie qui paie ne peut pas être celle qui reçoit"
        dp = self.donnees_personnelles
        if dp is not None:
            for cle in dp.sous_traitants:
                if cle in dp.responsables:
                    yield ("donnees_personnelles.sous_traitants",
                           f"« {cle} » est déjà responsable du traitement : une partie est responsable ou "
                           "sous-traitant, pas les deux")
            if dp.point_de_contact and dp.point_de_contact not in dp.responsables:
                yield ("donnees_personnelles.point_de_contact",
                       f"« {dp.point_de_contact} » n'est pas l'un des responsables du traitement "
                       f"({', '.join(dp.responsables)})")

    # --- checks against the accord and the dossier -------------------------------------
    def dossier_problems(self, doc: Any) -> Iterator[tuple[str, str]]:
        accord: Accord = doc.accord
        etat = self.etat(doc)
        yield from self._axe_problems(etat)
        yield from self._partie_problems(accord)
        yield from self._numero_problems(doc)
        if accord.periode is None:
            yield ("accord",
                   "l'accord n'a pas de date de signature (signature.date de accord.yaml) : une "
                   "convention spécifique met en œuvre un accord signé ; datez d'abord l'accord")
            return
        yield from self._terme_problems(doc, etat)

    def _axe_problems(self, etat: EtatAccord) -> Iterator[tuple[str, str]]:
        from ..rules.fr import date_longue

        ouverts = " ; ".join(f"n° {n} « {a.titre} »" for n, a in sorted(etat.axes.items())
                             if n not in etat.clos)
        if self.axe in etat.clos:
            r = etat.clos[self.axe]
            yield ("axe", f"l'axe n° {self.axe} « {etat.axes[self.axe].titre} » a été clos par "
                   f"l'avenant n° {r.numero} ({r.fichier.name}) signé le {date_longue(r.signature)} : "
                   f"une convention signée depuis ne peut plus le mettre en œuvre (axes ouverts : {ouverts})")
        elif self.axe not in etat.axes:
            yield ("axe", f"l'accord n'a pas d'axe n° {self.axe} (axes de l'accord : {ouverts})")

    def _partie_problems(self, accord: Accord) -> Iterator[tuple[str, str]]:
        keys = [p.cle for p in accord.parties]
        known = ", ".join(keys)

        def inconnue(path: str, cle: str) -> Iterator[tuple[str, str]]:
            if cle not in keys:
                yield path, f"partie inconnue « {cle} » (parties de l'accord : {known})"

        for i, action in enumerate(self.actions):
            if action.pilote:
                yield from inconnue(f"actions[{i}].pilote", action.pilote)
        for champ in ("engagements", "referents", "deliberations", "signataires"):
            for cle in getattr(self, champ):
                yield from inconnue(f"{champ}.{cle}", cle)
        for champ, label in (("engagements", "ses engagements"), ("referents", "son référent")):
            for p in accord.parties:
                if p.cle not in getattr(self, champ):
                    yield (champ, f"indiquez {label} pour {p.nom_texte} (clé « {p.cle} ») : "
                           "chaque partie en a")
        if self.date_signature:
            for p in accord.parties:
                if p.nature is Nature.COLLECTIVITE and p.cle not in self.deliberations:
                    yield ("deliberations",
                           f"{p.nom_texte} (clé « {p.cle} ») est une collectivité : indiquez la "
                           "délibération qui autorise la signature de la convention (organe, article, "
                           "date, numero), ou laissez date_signature vide tant qu'elle n'est pas prise")
        dp = self.donnees_personnelles
        if dp is not None:
            for j, cle in enumerate(dp.responsables):
                yield from inconnue(f"donnees_personnelles.responsables[{j}]", cle)
            for j, cle in enumerate(dp.sous_traitants):
                yield from inconnue(f"donnees_personnelles.sous_traitants[{j}]", cle)
            if dp.point_de_contact:
                yield from inconnue("donnees_personnelles.point_de_contact", dp.point_de_contact)
            if dp.base_legale is BaseLegale.INTERETS_LEGITIMES:
                publics = [c for c in dp.responsables if c in keys
                           and accord.partie(c).nature is Nature.COLLECTIVITE]
                if publics:
                    yield ("donnees_personnelles.base_legale",
                           f"{accord.partie(publics[0]).nom_texte} est une autorité publique : l'intérêt "
                           "légitime ne peut fonder les traitements qu'elle effectue dans l'exécution de "
                           "ses missions (article 6.1, dernier alinéa, du RGPD) ; retenez plutôt "
                           "mission_interet_public")
        cp = self.contrepartie_financiere
        if cp is not None:
            yield from inconnue("contrepartie_financiere.payeur", cp.payeur)
            yield from inconnue("contrepartie_financiere.beneficiaire", cp.beneficiaire)

    def _numero_problems(self, doc: Any) -> Iterator[tuple[str, str]]:
        for path, raw in doc.dossier.documents(KIND):
            if path == doc.path:
                continue
            n = raw.get("numero")
            if isinstance(n, int) and not isinstance(n, bool) and n == self.numero:
                yield ("numero", f"le n° {self.numero} est déjà celui de {path.name} dans le dossier : "
                       "chaque convention spécifique porte un numéro distinct")

    def _terme_problems(self, doc: Any, etat: EtatAccord) -> Iterator[tuple[str, str]]:
        from ..rules.fr import date_longue

        accord: Accord = doc.accord
        initiale, terme = accord.periode, etat.terme
        assert initiale is not None and terme is not None
        complet = etat_accord(accord, doc.dossier, None).terme
        assert complet is not None
        if self.date_debut < initiale.debut:
            yield ("date_debut",
                   f"début le {date_longue(self.date_debut)}, avant la signature de l'accord "
                   f"({date_longue(initiale.debut)}) : la convention ne peut s'appliquer avant l'accord "
                   "qu'elle met en œuvre")
        if self.date_signature is not None and not complet.contient(self.date_signature):
            quand = (f"avant la signature de l'accord ({date_longue(complet.debut)})"
                     if self.date_signature < complet.debut
                     else f"après le terme de l'accord ({date_longue(complet.fin)} inclus)")
            yield ("date_signature",
                   f"signature le {date_longue(self.date_signature)}, {quand} : une convention "
                   "spécifique se signe pendant que l'accord qu'elle met en œuvre est en vigueur")
        if self.date_fin > terme.fin:
            message = (f"fin le {date_longue(self.date_fin)}, après le terme de l'accord "
                       f"({date_longue(terme.fin)} inclus) : la convention ne peut aller au-delà de "
                       "l'accord qu'elle met en œuvre ; arrêtez-la au plus tard à cette date")
            if complet.fin > terme.fin:
                message += (f" (le renouvellement de l'accord jusqu'au {date_longue(complet.fin)} a été "
                            "signé après la convention : prolongez-la par avenant une fois l'accord "
                            "renouvelé)")
            yield ("date_fin", message)

    # --- values ---------------------------------------------------------------------
    def etat(self, doc: Any) -> EtatAccord:
        """The accord as it stands when this convention is signed (today's state while unsigned)."""
        return etat_accord(doc.accord, doc.dossier, self.date_signature)

    def articles(self) -> dict[str, int | None]:
        """Article number of each article key (``donnees`` is ``None`` when absent)."""
        numbers: dict[str, int | None] = {}
        n = 0
        for key in ARTICLES:
            if key == "donnees" and self.donnees_personnelles is None:
                numbers[key] = None
                continue
            n += 1
            numbers[key] = n
        return numbers

    def titre_document(self, accord: Accord, axe: Axe) -> str:
        return (f"Convention spécifique n° {self.numero} portant application de l'axe n° {self.axe} "
                f"« {axe.titre} » de l'accord de coopération signé le "
                f"{_date_simple(accord.signature.date)} entre {_entre(accord)}")

    def context(self, doc: Any) -> dict[str, Any]:
        accord: Accord = doc.accord
        vue = accord.vue()
        etat = self.etat(doc)
        axe = etat.axes[self.axe]
        parties = []
        for p in vue["parties"]:
            cle = p["cle"]
            signataire = self.signataires.get(cle) or etat.representants[cle]
            delib = self.deliberations.get(cle)
            parties.append(p | {
                "designation_texte": p["designation"][:1].lower() + p["designation"][1:],
                "signataire": signataire.vue(),
                "habilitation": delib.vue() if delib else None,
                "engagements": self.engagements.get(cle, []),
                "referent": self.referents[cle].vue(),
            })
        by_key = {p["cle"]: p for p in parties}
        order = accord.signature.signataires or [p.cle for p in accord.parties]
        terme = etat.terme
        assert terme is not None
        survie = accord.clauses.confidentialite_survie
        return {
            "accord": vue,
            "titre_document": self.titre_document(accord, axe),
            "date_document": self.date_signature,
            "numero": self.numero,
            "axe": axe.vue(),
            "avenants": [r.vue() for r in etat.renouvellements],
            "objet": self.objet,
            "preambule": blocs(self.preambule),
            "parties": parties,
            "noms_parties": vue["noms_parties"],
            "signataires": [by_key[k] for k in order],
            "deliberations_accord": [
                {"partie": by_key[p.cle], "deliberation": p.deliberation.vue()}
                for p in accord.parties if p.deliberation
            ],
            "habilitations": [
                {"partie": by_key[p.cle], "deliberation": self.deliberations[p.cle].vue()}
                for p in accord.parties if p.cle in self.deliberations
            ],
            "actions": [
                a.model_dump(mode="python") | {
                    "description": blocs(a.description),
                    "pilote": by_key[a.pilote] if a.pilote else None,
                }
                for a in self.actions
            ],
            "engagements_communs": self.engagements_communs,
            "comite": self.comite_pilotage.model_dump(mode="python"),
            "donnees": self._donnees_vue(by_key),
            "contrepartie": self._contrepartie_vue(by_key),
            "date_signature": self.date_signature,
            "date_debut": self.date_debut,
            "date_fin": self.date_fin,
            "terme_accord": terme.fin,
            "fin_confidentialite": dates.survival_end(terme.fin, survie.valeur, survie.unite),
            "lieu_signature": self.lieu_signature or accord.signature.lieu,
            "exemplaires": self.exemplaires or len(accord.parties),
            "art": self.articles(),
        }

    def _donnees_vue(self, by_key: dict[str, Any]) -> dict[str, Any] | None:
        dp = self.donnees_personnelles
        if dp is None:
            return None
        contact = dp.point_de_contact or dp.responsables[0]
        return dp.model_dump(mode="python") | {
            "responsables": [by_key[c] for c in dp.responsables],
            "sous_traitants": [by_key[c] for c in dp.sous_traitants],
            "conjoints": len(dp.responsables) > 1,
            "point_de_contact": by_key[contact],
            "base_legale_texte": BASES_LEGALES[dp.base_legale],
        }

    def _contrepartie_vue(self, by_key: dict[str, Any]) -> dict[str, Any] | None:
        cp = self.contrepartie_financiere
        if cp is None:
            return None
        return cp.model_dump(mode="python") | {
            "payeur": by_key[cp.payeur], "beneficiaire": by_key[cp.beneficiaire],
        }

    def dossier_facts(self, doc: Any) -> Any:
        """The renewals the convention implements the accord after (part of its inputs hash)."""
        return empreinte(self.etat(doc).renouvellements)

    def resume(self, doc: Any) -> list[tuple[str, str]]:
        from ..rules.fr import date_longue, montant

        accord: Accord = doc.accord
        etat = self.etat(doc)
        axe, terme = etat.axes[self.axe], etat.terme
        assert terme is not None
        arts = self.articles()
        rows = [
            ("Convention", f"n° {self.numero} : {self.objet}"),
            ("Axe", f"n° {axe.numero} « {axe.titre} »"),
            ("Signature", f"{self.lieu_signature or accord.signature.lieu}, " + (
                date_longue(self.date_signature) if self.date_signature else "date laissée en blanc")),
            ("Période", f"du {date_longue(self.date_debut)} au {date_longue(self.date_fin)} inclus"),
            ("Terme de l'accord (limite)", f"{date_longue(terme.fin)} inclus" + "".join(
                f", avenant n° {r.numero} du {date_longue(r.signature)}" for r in etat.renouvellements)),
            ("Actions", " ; ".join(f"{i}. {a.intitule}" for i, a in enumerate(self.actions, 1))),
            ("Référents", " ; ".join(
                f"{accord.partie(c).appellation} : {r.civilite} {r.prenom} {r.nom}, {r.fonction}"
                for c, r in self.referents.items())),
            ("Comité de pilotage", f"au moins {self.comite_pilotage.reunions_par_an} réunion(s) par an"),
        ]
        dp = self.donnees_personnelles
        if dp is None:
            rows.append(("Données personnelles", "aucun échange (pas d'article RGPD)"))
        else:
            roles = "responsables conjoints" if len(dp.responsables) > 1 else "responsable"
            texte = f"article {arts['donnees']} : {roles} " + ", ".join(
                accord.partie(c).appellation for c in dp.responsables)
            if dp.sous_traitants:
                texte += " ; sous-traitant " + ", ".join(accord.partie(c).appellation for c in dp.sous_traitants)
            rows.append(("Données personnelles", texte))
        cp = self.contrepartie_financiere
        if cp is None:
            rows.append(("Contrepartie", "aucune : convention à titre gratuit, chaque partie supporte ses frais"))
        else:
            rows.append(("Contrepartie", (montant(cp.montant) + f" {cp.taxes} – " if cp.montant else "")
                         + f"{cp.description} ({cp.reference_commande_publique})"))
        return rows


def _date_simple(value: dt.date | None) -> str:
    from ..rules.fr import NBSP, date_longue

    return date_longue(value).replace(NBSP, " ")


def _entre(accord: Accord) -> str:
    from ..rules.fr import liste

    return liste(p.designation[:1].lower() + p.designation[1:] for p in accord.parties)
