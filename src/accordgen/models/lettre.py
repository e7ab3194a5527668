"""The termination letter sent by registered mail with acknowledgement of receipt (LRAR).

Art. 7 of the accord: termination at any time with a notice following the sending of an
LRAR; Art. 12.4: a breach of the CSR rules allows the same termination. The letter states
the sending date, the effective date (end of the notice, never extended), what happens to the
specific conventions in progress and the end of the surviving confidentiality (Art. 9.4), and
asks for the restitution or destruction of confidential information (Art. 9.5).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field, field_validator

from ..rules import dates
from ..rules.dates import RegleDelai, Unite
from ..rules.identifiers import EMAIL, check_lrar_number, check_postal_address
from .avenant import empreinte, etat_accord, renouvellements, terme_en_vigueur
from .base import Bloc, Cle, Jour, Modele, Texte, blocs
from .derive import DocumentDerive
from .parties import Partie, Personne

KIND = "lettre-resiliation"
KIND_CONVENTION = "convention-specifique"

_PHONE_SEPARATORS = re.compile(r"[ .\-\u00a0\u202f]")
_PHONE_FR = re.compile(r"(?:0|\+33(?:\(0\))?)[1-9][0-9]{8}")
_PHONE_INTL = re.compile(r"\+[1-9][0-9]{7,14}")
_LINE_ERROR = re.compile(r"^ligne (\d+) : ")
_COMPLEMENT = re.compile(r" (?:du|de la|de l'|des|de|d') ")


def _article(text: str, feminin: bool) -> str:
    """"le Président", "la Directrice", "l'Administrateur"."""
    if text[:1].lower() in "aeiouyhâàéèêîôûœ":
        return f"l'{text}"
    return f"{'la' if feminin else 'le'} {text}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


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
        if self.signataire and self.signataire.mention_delegation and not self.signataire.delegation:
            yield ("signataire.mention_delegation",
                   "mention de délégation donnée sans délégation : ajoutez « delegation: true » ou retirez-la")

    # --- checks against the accord and the dossier -----------------------------------
    def dossier_problems(self, doc: Any) -> Iterator[tuple[str, str]]:
        accord = doc.accord
        keys = [p.cle for p in accord.parties]
        if self.expediteur not in keys:
            yield "expediteur", f"partie inconnue « {self.expediteur} » (parties de l'accord : {', '.join(keys)})"
            return
        if self.destinataire is None and len(keys) > 2:
            others = ", ".join(k for k in keys if k != self.expediteur)
            yield "destinataire", f"obligatoire : l'accord a {len(keys)} parties, indiquez laquelle reçoit la lettre ({others})"
            return
        if self.destinataire is not None and self.destinataire not in keys:
            yield "destinataire", f"partie inconnue « {self.destinataire} » (parties de l'accord : {', '.join(keys)})"
            return
        if self.destinataire_adresse is None:
            yield from self._default_address_problems(doc)

        for path, _raw in doc.dossier.documents(KIND):
            if path != doc.path:
                envoi = _raw.get("date_envoi")
                yield ("type", f"l'accord est déjà résilié par une autre lettre du dossier : {path.name}"
                               + (f" (envoi du {envoi})" if envoi else "")
                               + " ; un accord ne peut être résilié qu'une fois : supprimez ou déplacez "
                               "l'une des deux lettres")

        signature = accord.signature.date
        if signature is None:
            yield ("accord", "l'accord n'a pas de date de signature (signature.date vide dans "
                             f"{doc.accord_path.name}) : un accord non signé ne peut pas être résilié")
            return
        if self.date_envoi < signature:
            yield ("date_envoi", f"envoi le {self.date_envoi:%d/%m/%Y}, avant la signature de l'accord "
                                 f"({signature:%d/%m/%Y}) : on ne résilie qu'un accord signé")
            return
        fin = dernier_jour_en_vigueur(doc)
        if fin is not None and self.date_envoi > fin:
            yield ("date_envoi", f"envoi le {self.date_envoi:%d/%m/%Y}, après l'échéance de l'accord (en "
                                 f"vigueur jusqu'au {fin:%d/%m/%Y} inclus) : il n'y a plus rien à résilier")
            return
        effet = self.date_effet(accord)
        if fin is not None and effet > fin:
            yield ("date_envoi", f"avec un envoi le {self.date_envoi:%d/%m/%Y}, le préavis expirerait le "
                                 f"{effet:%d/%m/%Y}, après l'échéance de l'accord ({fin:%d/%m/%Y} inclus) : "
                                 "l'accord prend fin de lui-même avant, la résiliation serait sans objet")
        _items, problems = self._conventions(doc)
        yield from problems

    def _default_address_problems(self, doc: Any) -> Iterator[tuple[str, str]]:
        """The default block comes from the accord (and renewals): a faulty line is reported
        at the path of the value it comes from, naming the file that holds it."""
        partie = self.partie_destinataire(doc.accord)
        i = doc.accord.parties.index(partie)
        fichier, rep_path = doc.accord_path.name, f"parties[{i}].representant"
        for r in self.renouvellements(doc):
            if partie.cle in r.avenant.representants:
                fichier, rep_path = r.fichier.name, f"representants.{partie.cle}"
        sources = [(doc.accord_path.name, f"parties[{i}].denomination"),
                   (fichier, f"{rep_path}.nom"), (fichier, f"{rep_path}.qualite")]
        sources += [(doc.accord_path.name, f"parties[{i}].adresse[{j}]") for j in range(len(partie.adresse))]
        lines = default_address(partie, self.representant(doc, partie.cle))
        hint = "corrigez-la, ou donnez le bloc d'adresse complet dans destinataire_adresse"
        for path, message in _address_problems(lines, lambda k: str(k), ""):
            if path:
                source_file, source_path = sources[int(path)]
                yield source_path, (f"{message} ; cette ligne du bloc d'adresse du destinataire vient de "
                                    f"{source_file} ({source_path}) : {hint}")
            else:
                yield "destinataire_adresse", (f"bloc d'adresse par défaut (tiré de {doc.accord_path.name}, "
                                               f"parties[{i}]) : {message} ; donnez un bloc plus court "
                                               "dans destinataire_adresse")

    # --- derived values (computed by dates.py, formatted by the template) ------------
    def partie_expeditrice(self, accord: Any) -> Partie:
        return accord.partie(self.expediteur)

    def partie_destinataire(self, accord: Any) -> Partie:
        if self.destinataire is not None:
            return accord.partie(self.destinataire)
        return next(p for p in accord.parties if p.cle != self.expediteur)

    def renouvellements(self, doc: Any) -> list[Any]:
        """The dossier's valid renewals signed on or before the sending date."""
        if doc.accord.signature.date is None:
            return []
        return [r for r in renouvellements(doc.accord, doc.dossier) if r.signature <= self.date_envoi]

    def representant(self, doc: Any, cle: str) -> Personne:
        """A party's representative on the sending date (as updated by earlier renewals)."""
        return etat_accord(doc.accord, doc.dossier, self.date_envoi).representants[cle]

    def date_effet(self, accord: Any) -> dt.date:
        """Last day of the notice: the termination takes effect at the end of this day.

        A notice in days is counted in calendar days from the day after the sending, never
        extended (dates.notice_end, CALENDAIRE); a notice in months or years ends on the same
        day number (dates.add_duration): sent on 3 March with one month -> 3 April.
        """
        preavis = accord.clauses.preavis_resiliation
        if Unite(preavis.unite) is Unite.JOURS:
            return dates.notice_end(self.date_envoi, preavis.valeur, RegleDelai.CALENDAIRE)
        return dates.add_duration(self.date_envoi, preavis.valeur, preavis.unite)

    def fin_confidentialite(self, accord: Any) -> dt.date:
        """The accord ends on its effective date; confidentiality survives it (Art. 9.4)."""
        survie = accord.clauses.confidentialite_survie
        return dates.survival_end(self.date_effet(accord), survie.valeur, survie.unite)

    def _conventions(self, doc: Any) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
        """Specific conventions not yet ended on the sending date, sorted by number, with their
        end under ``sort_conventions``; and the problems of unreadable convention files."""
        effet = self.date_effet(doc.accord)
        axes = etat_accord(doc.accord, doc.dossier, self.date_envoi).axes  # as renewals left them
        titres = {numero: axe.titre for numero, axe in axes.items()}
        items: list[dict[str, Any]] = []
        problems: list[tuple[str, str]] = []
        for path, raw in doc.dossier.documents(KIND_CONVENTION):
            try:
                numero = _entier(raw, "numero")
                axe = _entier(raw, "axe")
                debut = _date(raw, "date_debut")
                fin = _date(raw, "date_fin")
                signature = _date(raw, "date_signature", required=False)
                objet = raw.get("objet")
                if not isinstance(objet, str) or not objet.strip():
                    raise ValueError("objet manquant")
            except ValueError as exc:
                problems.append(("sort_conventions",
                                 f"convention spécifique {path.name} illisible ({exc}) : corrigez-la "
                                 f"(accordgen check {KIND_CONVENTION} {path.name})"))
                continue
            if fin < self.date_envoi:
                continue  # already ended when the letter is sent
            anticipee = self.sort_conventions == "resiliees" and effet < fin
            items.append({
                "numero": numero,
                "axe": axe,
                "axe_titre": titres.get(axe),
                "objet": " ".join(objet.split()),  # a YAML block may hold line breaks
                "date_signature": signature,
                "date_debut": debut,
                "date_fin": fin,
                "fin": effet if anticipee else fin,
                "anticipee": anticipee,
                "fichier": path.name,
            })
        items.sort(key=lambda c: (c["numero"], c["fichier"]))
        return items, problems

    def conventions(self, doc: Any) -> list[dict[str, Any]]:
        return self._conventions(doc)[0]

    def dossier_facts(self, doc: Any) -> Any:
        """What the letter takes from its dossier (part of the output's input hash): the
        conventions in progress, and the renewals (representatives, term in force)."""
        return {"conventions": self.conventions(doc),
                "avenants": empreinte(renouvellements(doc.accord, doc.dossier))}

    def signataire_effectif(self, doc: Any) -> Signataire:
        if self.signataire is not None:
            return self.signataire
        return Signataire(**self.representant(doc, self.expediteur).model_dump())

    def mention_delegation(self, doc: Any) -> str | None:
        sig = self.signataire_effectif(doc)
        if not sig.delegation:
            return None
        if sig.mention_delegation:
            return sig.mention_delegation.rstrip(", ")
        rep = self.representant(doc, self.expediteur)
        titre = _COMPLEMENT.split(rep.qualite, maxsplit=1)[0]
        return f"Pour {_article(titre, rep.civilite == 'Madame')} et par délégation"

    def appel(self, doc: Any) -> str:
        """The salutation without its comma: "Madame", "Madame la Directrice"."""
        if self.formule_appel:
            return self.formule_appel.rstrip(", ")
        return self.representant(doc, self.partie_destinataire(doc.accord).cle).civilite

    def politesse(self, doc: Any) -> str:
        if self.formule_politesse:
            return self.formule_politesse
        return f"Je vous prie d'agréer, {self.appel(doc)}, l'expression de mes salutations distinguées."

    def adresse(self, doc: Any) -> list[str]:
        if self.destinataire_adresse is not None:
            return check_postal_address(self.destinataire_adresse)
        dest = self.partie_destinataire(doc.accord)
        return check_postal_address(default_address(dest, self.representant(doc, dest.cle)))

    def context(self, doc: Any) -> dict[str, Any]:
        accord = doc.accord
        vue = accord.vue()
        by_key = {p["cle"]: p for p in vue["parties"]}
        exp = self.partie_expeditrice(accord)
        dest = self.partie_destinataire(accord)
        sig = self.signataire_effectif(doc)
        effet = self.date_effet(accord)
        return {
            "accord": vue,
            "expediteur": by_key[exp.cle] | {"representant": self.representant(doc, exp.cle).vue()},
            "destinataire": by_key[dest.cle] | {"representant": self.representant(doc, dest.cle).vue()},
            "renouvellements": [r.vue() for r in self.renouvellements(doc)],
            "adresse": self.adresse(doc),
            "lieu": self.lieu,
            "date_envoi": self.date_envoi,
            "numero_lrar": self.numero_lrar,
            "motif": self.motif,
            "faits": blocs(self.faits),
            "service": self.service,
            "contact": self.contact.model_dump(mode="python"),
            "references": self.references.model_dump(mode="python") if self.references else None,
            "objet": self.objet,
            "appel": self.appel(doc),
            "politesse": self.politesse(doc),
            "signataire": sig.vue() | {
                "delegation": sig.delegation,
                "mention_delegation": self.mention_delegation(doc),
                "fonction": _cap(_article(sig.qualite, sig.civilite == "Madame")),
            },
            "preavis": accord.clauses.preavis_resiliation.model_dump(mode="python"),
            "preavis_en_jours": Unite(accord.clauses.preavis_resiliation.unite) is Unite.JOURS,
            "date_effet": effet,
            "fin_en_vigueur": dernier_jour_en_vigueur(doc),
            "confidentialite_survie": accord.clauses.confidentialite_survie.model_dump(mode="python"),
            "fin_confidentialite": self.fin_confidentialite(accord),
            "sort_conventions": self.sort_conventions,
            "conventions": self.conventions(doc),
            "titre_document": f"Lettre de résiliation — {accord.titre_effectif}",
            "date_document": self.date_envoi,
        }

    def resume(self, doc: Any) -> list[tuple[str, str]]:
        from ..rules.fr import date_jour, date_longue, duree

        accord = doc.accord
        exp, dest = self.partie_expeditrice(accord), self.partie_destinataire(accord)
        rep = self.representant(doc, dest.cle)
        sig = self.signataire_effectif(doc)
        items = self.conventions(doc)
        if items:
            sort = ("résiliées à la même date" if self.sort_conventions == "resiliees"
                    else "menées à leur terme")
            conventions = (", ".join(f"n° {c['numero']} (fin le {date_longue(c['fin'])})" for c in items)
                           + f" : {sort}")
        else:
            conventions = "aucune en cours"
        motif = "article 7" if self.motif == "article_7" else "article 12.4 (Règles RSE) et article 7"
        return [
            ("Expéditeur", exp.denomination),
            ("Destinataire", f"{rep.civilite} {rep.nom_complet}, {rep.qualite} ({dest.denomination})"),
            ("Adresse", " / ".join(self.adresse(doc))),
            ("Envoi (LRAR)", f"{date_jour(self.date_envoi)}, n° {self.numero_lrar}"),
            ("Motif", motif),
            ("Préavis", duree(accord.clauses.preavis_resiliation)),
            ("Prise d'effet", f"à l'expiration du {date_jour(self.date_effet(accord))}"),
            ("Confidentialité jusqu'au", date_longue(self.fin_confidentialite(accord)) + " inclus"),
            ("Conventions spécifiques", conventions),
            ("Signataire", (f"{self.mention_delegation(doc)}, " if sig.delegation else "")
             + f"{sig.civilite} {sig.nom_complet}, {sig.qualite}"),
        ]


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


def dernier_jour_en_vigueur(doc: Any) -> dt.date | None:
    """Last day the accord is in force, renewals of the dossier included (None if unsigned)."""
    periode = terme_en_vigueur(doc.accord, doc.dossier)
    return periode.fin if periode else None


def _entier(raw: dict[str, Any], key: str) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} : nombre entier attendu")
    return value


def _date(raw: dict[str, Any], key: str, *, required: bool = True) -> dt.date | None:
    value = raw.get(key)
    if value in (None, ""):
        if required:
            raise ValueError(f"{key} manquante")
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{key} : date invalide « {value} » (attendu : AAAA-MM-JJ)") from None
