"""The termination letter sent by registered mail with acknowledgement of receipt (LRAR).

Art. 7 of the accord: termination at any time with a notice following the sending of an
LRAR; Art. 12.4: a breach of the CSR rules allows the same termination. The letter states
the sending date, the effective date (end of the notice, never extended), what happens to the
specific conventions in progress and the end of the surviving confidentiality (Art. 9.4), and
asks for the restitution or destruction of confidential information (Art. 9.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field, field_validator

from ..rules.identifiers import EMAIL, check_lrar_number, check_postal_address
from .base import Bloc, Cle, Jour, Modele, Statut, Texte
from .deliberation import Deliberation, signature_problems
from .derive import DocumentDerive
from .parties import Partie, Personne

KIND = "lettre-resiliation"
KIND_CONVENTION = "convention-specifique"

_PHONE_SEPARATORS = re.compile(r"[ .\-\u00a0\u202f]")
_PHONE_FR = re.compile(r"(?:0|\+33(?:\(0\))?)[1-9][0-9]{8}")
_PHONE_INTL = re.compile(r"\+[1-9][0-9]{7,14}")
_LINE_ERROR = re.compile(r"^ligne (\d+) : ")
_COMPLEMENT = re.compile(r" (?:du|de la|de l'|des|de|d') ")


class Contact(Modele):
    """The agent who follows the matter (« Affaire suivie par »)."""

    nom: Texte = Field(description="Nom de l'agent qui suit l'affaire (« Madame Claire EXEMPLE »).")
    telephone: Texte | None = Field(
        default=None,
        description="Téléphone direct (« 01 99 00 12 34 » ou « +33 1 99 00 12 34 »).",
    )
    email: Texte | None = Field(default=None, description="Adresse électronique (« prenom.nom@exemple.fr »).")

    @field_validator("telephone")
    @classmethod
    def _telephone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        compact = _PHONE_SEPARATORS.sub("", value)
        if not (_PHONE_FR.fullmatch(compact) or _PHONE_INTL.fullmatch(compact)):
            raise ValueError(
                f"numéro de téléphone invalide : « {value} » (attendu : 10 chiffres commençant par 0, "
                "par ex. 01 99 00 12 34, ou un numéro international commençant par +, "
                "par ex. +33 1 99 00 12 34)"
            )
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.fullmatch(value):
            raise ValueError(
                f"adresse électronique invalide : « {value} » (attendu : nom@domaine.fr, sans espace)"
            )
        return value


class References(Modele):
    """The letter's references."""

    notre: Texte | None = Field(default=None, description="Notre référence (« N/Réf. »), p. ex. « DAJ/2023/0147 ».")
    votre: Texte | None = Field(default=None, description="Votre référence (« V/Réf. »), si le destinataire en a donné une.")


class Arrete(Modele):
    """The arrêté by which the representative delegated his or her signature (CGCT L. 3221-3)."""

    numero: Texte = Field(description="Numéro de l'arrêté de délégation de signature (« 2022-DGS-014 »).")
    date: Jour = Field(description="Date de l'arrêté (AAAA-MM-JJ).")


class Signataire(Personne):
    """Who signs the letter, and under which delegation."""

    delegation: bool = Field(
        default=False,
        description="true quand un délégataire signe pour le représentant de la partie : la lettre porte "
        "« Pour le Président et par délégation, » au-dessus de la fonction du signataire.",
    )
    mention_delegation: Texte | None = Field(
        default=None,
        description="Mention de délégation telle qu'elle doit s'imprimer (par défaut : « Pour » suivi du "
        "titre du représentant de la partie dans l'accord, sans son complément, et « et par délégation » : "
        "« Pour le Président et par délégation »).",
    )
    arrete: Arrete | None = Field(
        default=None,
        description="Arrêté de délégation de signature (numero, date), cité sous la mention de "
        "délégation (CGCT, art. L. 3221-3) : obligatoire avec « delegation: true » dès que la lettre "
        "est définitive.",
    )


class LettreResiliation(DocumentDerive):
    """Parameters of a termination letter by LRAR (``type: lettre-resiliation``)."""

    type: Literal["lettre-resiliation"] = Field(description="Toujours « lettre-resiliation » pour ce document.")
    expediteur: Cle = Field(description="Clé de la partie qui résilie (« departement »).")
    destinataire: Cle | None = Field(
        default=None,
        description="Clé de la partie destinataire ; obligatoire seulement si l'accord a plus de deux "
        "parties (par défaut : l'autre partie).",
    )
    lieu: Texte = Field(description="Lieu d'envoi imprimé avant la date (« Melun »).")
    date_envoi: Jour = Field(
        description="Date de la lettre et de son envoi (date du cachet de la poste, AAAA-MM-JJ) : le "
        "préavis court à compter du lendemain."
    )
    numero_lrar: str = Field(
        description="Numéro du recommandé figurant sur la preuve de dépôt : national « 1A 123 456 7890 1 » "
        "ou international S10 « RR123456785FR » (chiffre de contrôle vérifié)."
    )
    motif: Literal["article_7", "article_12_4"] = Field(
        description="Fondement : article_7 (résiliation à tout moment) ou article_12_4 (non-respect des "
        "Règles RSE, les faits doivent alors être exposés dans « faits »)."
    )
    faits: list[Bloc] = Field(
        default_factory=list,
        description="Faits qui motivent la résiliation : paragraphes, et listes écrites comme des listes "
        "YAML. Obligatoire pour article_12_4, facultatif pour article_7.",
    )
    sort_conventions: Literal["resiliees", "menees_a_terme"] = Field(
        default="resiliees",
        description="Sort des conventions spécifiques en cours : resiliees (par défaut : elles prennent fin "
        "à la même date que l'accord, qu'elles mettent en œuvre) ou menees_a_terme (elles vont "
        "jusqu'à leur propre échéance).",
    )
    decision: Deliberation | None = Field(
        default=None,
        description="Décision de résilier : la délibération qui l'a prise (organe, article, date, "
        "numero ; transmission, publication et delegation s'il y a lieu). Obligatoire pour une "
        "collectivité expéditrice dès que la lettre est définitive ; citée dans la lettre.",
    )
    service: Texte | None = Field(
        default=None, description="Service ou direction qui écrit (« Direction des affaires juridiques »)."
    )
    contact: Contact = Field(description="Agent qui suit l'affaire : nom, téléphone, adresse électronique.")
    references: References | None = Field(default=None, description="Références « N/Réf. » et « V/Réf. ».")
    signataire: Signataire | None = Field(
        default=None,
        description="Signataire de la lettre (par défaut : le représentant de la partie expéditrice dans "
        "l'accord, sans délégation).",
    )
    destinataire_adresse: list[Texte] | None = Field(
        default=None,
        description="Bloc d'adresse complet du destinataire, une ligne par élément (6 lignes de 38 "
        "caractères au plus, norme La Poste). Par défaut : la dénomination de la partie, la civilité, le "
        "prénom et le nom de son représentant, sa qualité, puis l'adresse de la partie dans l'accord.",
    )
    formule_appel: Texte | None = Field(
        default=None,
        description="Formule d'appel (« Madame la Directrice, ») ; par défaut « Madame, » ou « Monsieur, » "
        "selon la civilité du représentant destinataire. Elle est reprise dans la formule de politesse.",
    )
    formule_politesse: Texte | None = Field(
        default=None,
        description="Formule de politesse complète, si celle par défaut ne convient pas (« Je vous prie "
        "d'agréer, Madame, l'expression de mes salutations distinguées. »).",
    )
    objet: Texte | None = Field(
        default=None,
        description="Ligne « Objet : » (par défaut : « résiliation de l'accord de coopération signé le ... »).",
    )

    @field_validator("numero_lrar")
    @classmethod
    def _numero_lrar(cls, value: str) -> str:
        return check_lrar_number(value)

    # --- checks on the document alone ------------------------------------------------
    def problems(self) -> Iterator[tuple[str, str]]:
        if self.motif == "article_12_4" and not self.faits:
            yield ("faits", "obligatoire pour une résiliation au titre de l'article 12.4 (non-respect des "
                            "Règles RSE) : exposez les faits reprochés, un paragraphe par élément")
        if self.destinataire is not None and self.destinataire == self.expediteur:
            yield "destinataire", f"la partie « {self.destinataire} » ne peut pas s'écrire à elle-même"
        if self.destinataire_adresse is not None:
            yield from _address_problems(
                self.destinataire_adresse,
                lambda i: f"destinataire_adresse[{i}]",
                "destinataire_adresse",
            )
        definitif = self.statut is Statut.DEFINITIF
        sig = self.signataire
        if sig and sig.delegation and sig.arrete is None and definitif:
            yield ("signataire.arrete",
                   "le signataire signe par délégation : indiquez l'arrêté qui la lui donne (numero, "
                   "date), que la lettre cite (CGCT, art. L. 3221-3)")
        if sig and sig.arrete and sig.arrete.date > self.date_envoi:
            yield ("signataire.arrete.date",
                   f"arrêté de délégation du {sig.arrete.date:%d/%m/%Y}, postérieur à l'envoi de la "
                   f"lettre ({self.date_envoi:%d/%m/%Y}) : le signataire n'avait pas encore délégation")
        if sig and sig.arrete and not sig.delegation:
            yield ("signataire.arrete", "arrêté de délégation donné sans délégation : ajoutez "
                   "« delegation: true » ou retirez-le")
        if self.decision is not None:
            if self.decision.date > self.date_envoi:
                yield ("decision.date",
                       f"décision du {self.decision.date:%d/%m/%Y}, postérieure à l'envoi de la lettre "
                       f"({self.date_envoi:%d/%m/%Y}) : la lettre notifie une décision déjà prise")
            yield from signature_problems("decision", self.decision, self.date_envoi, False,
                                          "la lettre est envoyée")
        if self.signataire and self.signataire.mention_delegation and not self.signataire.delegation:
            yield ("signataire.mention_delegation",
                   "mention de délégation donnée sans délégation : ajoutez « delegation: true » ou retirez-la")


# --- helpers ---------------------------------------------------------------------------


def default_address(partie: Partie, rep: Personne) -> list[str]:
    """The default recipient block (NF Z10-011, a legal person first): the party's name, its
    representative and his or her title, then the party's address."""
    return [partie.denomination, f"{rep.civilite} {rep.nom_complet}", rep.qualite, *partie.adresse]


def _address_problems(lines: list[str], where: Any, whole: str) -> Iterator[tuple[str, str]]:
    """check_postal_address, with the faulty line's own path when the message names a line."""
    try:
        check_postal_address(lines)
    except ValueError as exc:
        message = str(exc)
        match = _LINE_ERROR.match(message)
        if match:
            index = int(match.group(1)) - 1
            yield where(index), message
        else:
            yield whole, message
