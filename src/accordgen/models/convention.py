"""Specific implementing convention (``type: convention-specifique``).

Article 1 of the accord requires every concrete action to be the object of a *convention
spécifique* that respects public procurement law. One convention implements one axis: its
YAML points at the dossier's ``accord.yaml``, names the axis by its number (the axis title and
context are read from the accord, never retyped) and adds what is new: actions, commitments,
term, referents, and the personal-data and financial options.

Public procurement is built in. By default the convention carries no price or equivalent
(code de la commande publique, art. L. 1111-1): each party bears its own costs. A convention
that declares a consideration must name the public contract or procedure it belongs to.

The convention implements the accord as it stands on the day the convention is signed
(:func:`etat_accord`): the initial period extended by the dossier's renewals
(``avenant-renouvellement``) signed on or before that day, with their updated representatives
and their axis changes (an axis renamed or rewritten, added, or closed). Its term must lie
inside that term.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from ..rules import dates
from ..rules.fr import date_longue, liste
from ..rules.identifiers import EMAIL, is_placeholder_reference
from .base import Bloc, Cle, Jour, Modele, Montant, Statut, Texte
from .deliberation import signature_problems
from .derive import DocumentDerive
from .parties import Deliberation, Personne

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
    "Selon l'article L. 1111-1 du code de la commande publique, un contrat conclu à titre onéreux "
    "pour répondre aux besoins d'un acheteur en matière de travaux, de fournitures ou de services, "
    "moyennant un prix ou tout équivalent, est un marché public : il doit être passé selon les "
    "règles de publicité et de mise en concurrence de ce code, et la convention spécifique ne peut "
    "pas en tenir lieu. Indiquez le marché ou la procédure dont relève cette contrepartie "
    "(« marché n° 2023-045 notifié le 15 mars 2023, procédure adaptée ») ou retirez le bloc "
    "« contrepartie_financiere » (la convention est alors conclue à titre gratuit)"
)


def message_reference_vide(valeur: str, quoi: str) -> str:
    """Why « néant » is refused where the reference of a contract or an act is expected."""
    return (f"« {valeur} » n'est pas une référence : indiquez celle {quoi} (son numéro, sa "
            "procédure et sa date, « n° 2023-045, procédure adaptée ») ; une contrepartie sans "
            "marché public, subvention ou redevance qui la fonde ne peut figurer dans une "
            "convention spécifique (code de la commande publique, art. L. 1111-1) : retirez-la "
            "ou choisissez la variante qui correspond à sa nature")


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
    operations: Texte = Field(
        default="les opérations nécessaires à cette finalité",
        description="Nature du traitement : les opérations effectuées (« la collecte, "
        "l'enregistrement, la consultation et l'effacement des données »), reprises dans les "
        "obligations du sous-traitant (article 28 du RGPD).",
    )
    delegue_protection_donnees: Texte | None = Field(
        default=None,
        description="Coordonnées du délégué à la protection des données de la collectivité "
        "responsable du traitement (« dpo@departement77.fr, Hôtel du Département, CS 50377, 77010 "
        "Melun cedex ») : obligatoire quand une collectivité est responsable (article 37 du RGPD).",
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


class EffetRetroactif(Modele):
    """An effect before the convention is signed or authorised: only stated and justified."""

    justification: Texte = Field(
        description="Motif de l'effet rétroactif, tel que la convention l'énonce dans son article "
        "« durée » (« les ateliers ont commencé le 2 janvier 2023, à la rentrée scolaire, dans "
        "l'attente de la signature »)."
    )


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
        description="Forme antérieure de la clause « donnees-personnelles » (toujours acceptée) : "
        "quand des données à caractère personnel sont traitées, l'article RGPD de la variante que "
        "les rôles appellent (responsables-conjoints, sous-traitance ou responsable-unique) est "
        "ajouté. Absent (et sans « clauses.donnees-personnelles ») : les Parties déclarent "
        "qu'aucune donnée personnelle n'est traitée.",
    )
    contrepartie_financiere: ContrepartieFinanciere | None = Field(
        default=None,
        description="Contrepartie (prix ou équivalent). Absente (par défaut) : convention à titre "
        "gratuit. Présente : le marché public de rattachement est obligatoire.",
    )
    clauses: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Variantes choisies dans la bibliothèque de clauses, par thème (« litiges », "
        "« contrepartie », « donnees-personnelles ») : « variante » (son nom, voir « accordgen "
        "clauses ») puis ses paramètres (« litiges: {variante: tribunal-administratif, tribunal: "
        "Melun} »). Un thème absent prend la variante par défaut (litiges : tribunal administratif "
        "quand une partie est une collectivité ; contrepartie : aucune ; donnees-personnelles : "
        "aucune, la déclaration des Parties).",
    )
    deliberations: dict[Cle, Deliberation] = Field(
        default_factory=dict,
        description="Délibération qui autorise la signature de la convention, par clé de partie "
        "(obligatoire pour une collectivité dès que la convention est datée).",
    )
    effet_retroactif: EffetRetroactif | None = Field(
        default=None,
        description="À remplir seulement si date_debut précède la signature de la convention ou le "
        "jour où la délibération qui l'autorise est devenue exécutoire : justification de cet "
        "effet rétroactif, que la convention énonce. Absent : un tel début est refusé.",
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
    def retroactivite(self) -> list[tuple[str, str]]:
        """What the first day of application precedes, as (for a message, for the document):
        the signature, the authorising délibération, or the day it became enforceable."""
        out: list[tuple[str, str]] = []
        debut = self.date_debut
        if self.date_signature is not None and debut < self.date_signature:
            out.append((f"sa signature ({date_longue(self.date_signature)})", "à sa signature"))
        for delib in self.deliberations.values():
            if debut < delib.date:
                out.append((f"la délibération {delib.reference} qui l'autorise",
                            f"à la délibération {delib.reference} qui l'autorise"))
            elif delib.executoire is not None and debut < delib.executoire:
                out.append((f"le jour où la délibération {delib.reference} qui l'autorise est "
                            f"devenue exécutoire ({date_longue(delib.executoire)})",
                            f"à la date à laquelle la délibération {delib.reference} qui l'autorise "
                            "est devenue exécutoire"))
        return out

    def problems(self) -> Iterator[tuple[str, str]]:

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
        for cle, delib in self.deliberations.items():
            yield from signature_problems(f"deliberations.{cle}", delib, self.date_signature,
                                          self.statut is Statut.DEFINITIF, "la convention est signée")
        retro = self.retroactivite()
        if retro and self.effet_retroactif is None:
            yield ("date_debut",
                   f"la convention prendrait effet le {date_longue(self.date_debut)}, avant "
                   + liste(r for r, _ in retro)
                   + " : aucun effet ne peut précéder l'autorisation de signer ni la signature ; "
                   "reportez date_debut, ou, si un effet rétroactif est voulu et permis, ajoutez un "
                   "bloc « effet_retroactif » avec sa « justification », que la convention énonce")
        cp = self.contrepartie_financiere
        if cp is not None:
            if not cp.reference_commande_publique:
                yield "contrepartie_financiere.reference_commande_publique", _MESSAGE_COMMANDE_PUBLIQUE
            elif is_placeholder_reference(cp.reference_commande_publique):
                yield ("contrepartie_financiere.reference_commande_publique",
                       message_reference_vide(cp.reference_commande_publique, "du marché public"))
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
