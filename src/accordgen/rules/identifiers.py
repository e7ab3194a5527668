"""Pure validators for French identifiers used in the generated documents.

SIREN / SIRET (INSEE), @CTES transmission identifiers (contrôle de légalité),
La Poste registered-mail numbers (lettre recommandée avec accusé de
réception) and postal address blocks (norme La Poste NF Z10-011).

Validators return the normalised value or raise :class:`ValueError` with a
French message meant for legal drafters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "NATURES_ACTES",
    "ActesId",
    "check_lrar_number",
    "check_postal_address",
    "check_siren",
    "check_siret",
    "format_siren",
    "luhn_ok",
    "normalize_digits",
    "parse_actes",
]

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"

_DIGIT_SEPARATORS = str.maketrans("", "", " " + NBSP + NARROW_NBSP + ".")
_SPACES = str.maketrans("", "", " " + NBSP + NARROW_NBSP)

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"  # the only La Poste SIRET following Luhn

NATURES_ACTES: dict[str, str] = {
    "DE": "délibération",
    "AR": "acte réglementaire",
    "AI": "acte individuel",
    "CC": "contrat, convention et avenant",
    "BF": "document budgétaire et financier",
    "AU": "autre",
}

ACTES_EXAMPLE = "077-227700010-20220617-lmc100000023831-DE"

_ACTES_DEPARTEMENT = re.compile(r"[0-9AB]{3}")
_ACTES_DATE = re.compile(r"[0-9]{8}")
_ACTES_NUMERO = re.compile(r"[A-Za-z0-9_]+")

_LRAR_DOMESTIC = re.compile(r"[0-9][A-Z][0-9]{11}")
_LRAR_S10 = re.compile(r"([A-Z]{2})([0-9]{8})([0-9])([A-Z]{2})")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
LRAR_FORMATS = (
    "formats attendus : national, 1 chiffre, 1 lettre majuscule et 11 chiffres, "
    "par ex. 1A 123 456 7890 1 ; international S10, 2 lettres majuscules, "
    "8 chiffres, 1 chiffre de contrôle et 2 lettres de pays, par ex. RR123456785FR"
)

ADDRESS_MAX_LINES = 6
ADDRESS_MAX_CHARS = 38
ADDRESS_NORM = "selon la norme La Poste NF Z10-011"
_LAST_LINE_FORBIDDEN = ",;:.!?"


# --------------------------------------------------------------------------
# Digits, Luhn, SIREN, SIRET
# --------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """Return True when ``digits`` (ASCII digits only, non-empty) passes the Luhn check."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_digits(value: str) -> str:
    """Remove spaces, no-break spaces (U+00A0, U+202F) and dots from ``value``."""
    return value.translate(_DIGIT_SEPARATORS)


def _is_digits(value: str, length: int) -> bool:
    """Return True when ``value`` is exactly ``length`` ASCII digits."""
    return len(value) == length and value.isascii() and value.isdigit()


def check_siren(value: str) -> str:
    """Return the 9 normalised digits of a SIREN or raise a French ValueError."""
    digits = normalize_digits(value)
    if not _is_digits(digits, 9):
        raise ValueError(f"SIREN invalide : « {value} » (9 chiffres attendus)")
    if not luhn_ok(digits):
        raise ValueError(f"SIREN invalide : « {value} » (clé de contrôle (Luhn) incorrecte)")
    return digits


def _la_poste_siret_ok(digits: str) -> bool:
    """La Poste rule: the sum of the 14 digits is a multiple of 5 (head office: Luhn)."""
    if digits == LA_POSTE_HEAD_OFFICE_SIRET:
        return luhn_ok(digits)
    return sum(int(char) for char in digits) % 5 == 0


def check_siret(value: str) -> str:
    """Return the 14 normalised digits of a SIRET or raise a French ValueError.

    The Luhn check applies to all 14 digits, except for La Poste
    establishments (SIREN 356 000 000) whose digits must add up to a multiple
    of 5.  The SIREN part (9 first digits) must itself be Luhn-valid.
    """
    digits = normalize_digits(value)
    if not _is_digits(digits, 14):
        raise ValueError(f"SIRET invalide : « {value} » (14 chiffres attendus)")
    if not luhn_ok(digits[:9]):
        raise ValueError(
            f"SIRET invalide : « {value} » "
            f"(le SIREN {digits[:9]} a une clé de contrôle (Luhn) incorrecte)"
        )
    if digits.startswith(LA_POSTE_SIREN):
        if not _la_poste_siret_ok(digits):
            raise ValueError(
                f"SIRET invalide : « {value} » "
                "(clé de contrôle La Poste incorrecte : "
                "la somme des chiffres doit être un multiple de 5)"
            )
    elif not luhn_ok(digits):
        raise ValueError(f"SIRET invalide : « {value} » (clé de contrôle (Luhn) incorrecte)")
    return digits


def format_siren(digits: str) -> str:
    """Return a valid SIREN grouped 3-3-3 with no-break spaces (U+00A0): "380 129 866"."""
    siren = check_siren(digits)
    return NBSP.join((siren[0:3], siren[3:6], siren[6:9]))


# --------------------------------------------------------------------------
# @CTES identifiers
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActesId:
    """Parsed @CTES identifier ``DDD-SIREN-AAAAMMJJ-NUMERO-NATURE``."""

    departement: str
    siren: str
    date_acte: date
    numero_interne: str
    nature: str

    @property
    def nature_libelle(self) -> str:
        """French label of the nature code ("délibération" for "DE")."""
        return NATURES_ACTES[self.nature]


def _parse_actes_date(text: str) -> date:
    """Parse the AAAAMMJJ part of an @CTES identifier."""
    if not _ACTES_DATE.fullmatch(text):
        raise ValueError(f"date de l'acte invalide : « {text} » (format AAAAMMJJ attendu)")
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValueError(f"date de l'acte impossible : {text}") from None


def parse_actes(value: str) -> ActesId:
    """Parse and validate an @CTES identifier, e.g. ``077-227700010-20220617-lmc100000023831-DE``.

    Parts: 3-character département code (``077``, ``02A``, ``974``), Luhn-valid
    SIREN of the issuing authority, date of the act (AAAAMMJJ, must exist),
    internal number (``[A-Za-z0-9_]+``) and nature code (see :data:`NATURES_ACTES`).
    Each failure raises a French ValueError naming the faulty part.
    """
    text = value.strip()
    parts = text.split("-")
    if len(parts) != 5:
        raise ValueError(
            f"identifiant @CTES invalide : « {value} » "
            f"(format attendu : DDD-SIREN-AAAAMMJJ-NUMERO-NATURE, par ex. {ACTES_EXAMPLE})"
        )
    departement, siren, date_text, numero, nature = parts
    if not _ACTES_DEPARTEMENT.fullmatch(departement):
        raise ValueError(
            f"code département de l'acte invalide : « {departement} » "
            "(3 caractères attendus, par ex. 077, 02A ou 974)"
        )
    if not _is_digits(siren, 9):
        raise ValueError(f"SIREN de l'acte invalide : « {siren} » (9 chiffres attendus)")
    if not luhn_ok(siren):
        raise ValueError(
            f"SIREN de l'acte invalide : « {siren} » (clé de contrôle (Luhn) incorrecte)"
        )
    date_acte = _parse_actes_date(date_text)
    if not _ACTES_NUMERO.fullmatch(numero):
        raise ValueError(
            f"numéro interne de l'acte invalide : « {numero} » "
            "(lettres sans accent, chiffres ou _ uniquement)"
        )
    if nature not in NATURES_ACTES:
        raise ValueError(
            f"nature de l'acte inconnue : « {nature} » (attendu : {', '.join(NATURES_ACTES)})"
        )
    return ActesId(departement, siren, date_acte, numero, nature)


# --------------------------------------------------------------------------
# La Poste registered mail (LRAR)
# --------------------------------------------------------------------------


def _s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of the 8-digit serial number."""
    total = sum(int(char) * weight for char, weight in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def check_lrar_number(value: str) -> str:
    """Validate a La Poste registered-mail number and return it as typed (stripped).

    Spaces are allowed; the compact 13-character form is validated:

    * domestic: a digit, a capital letter and 11 digits (``1A 123 456 7890 1``);
    * international UPU S10: 2 capital letters, 8 digits, a check digit and a
      2-letter country code (``RR123456785FR``); the check digit is verified.
    """
    typed = value.strip()
    compact = typed.translate(_SPACES)
    if _LRAR_DOMESTIC.fullmatch(compact):
        return typed
    s10 = _LRAR_S10.fullmatch(compact)
    if s10 is None:
        raise ValueError(f"numéro de recommandé invalide : « {typed} » ({LRAR_FORMATS})")
    serial, check = s10.group(2), int(s10.group(3))
    if _s10_check_digit(serial) != check:
        raise ValueError(
            f"numéro de recommandé international invalide : « {typed} » "
            "(chiffre de contrôle S10 incorrect : vérifiez le numéro sur la preuve de dépôt)"
        )
    return typed


# --------------------------------------------------------------------------
# Postal address (NF Z10-011)
# --------------------------------------------------------------------------


def check_postal_address(lines: list[str]) -> list[str]:
    """Validate an address block against the La Poste NF Z10-011 layout rules.

    At most 6 lines of at most 38 characters each (counted after Unicode NFC
    normalisation and stripping), no blank line, and no punctuation among
    ``, ; : . ! ?`` on the last line (postcode and town, e.g.
    ``77010 MELUN CEDEX``).  Foreign addresses get the same checks and
    nothing more.  Returns the stripped, NFC-normalised lines.
    """
    cleaned = [unicodedata.normalize("NFC", line).strip() for line in lines]
    if not cleaned:
        raise ValueError("adresse postale vide (1 à 6 lignes attendues)")
    if len(cleaned) > ADDRESS_MAX_LINES:
        raise ValueError(
            f"adresse de {len(cleaned)} lignes ({ADDRESS_MAX_LINES} au plus {ADDRESS_NORM})"
        )
    for number, line in enumerate(cleaned, start=1):
        if not line:
            raise ValueError(f"ligne {number} : ligne vide (supprimez-la ou complétez-la)")
        if len(line) > ADDRESS_MAX_CHARS:
            raise ValueError(
                f"ligne {number} : {len(line)} caractères "
                f"({ADDRESS_MAX_CHARS} au plus {ADDRESS_NORM})"
            )
    last_number, last = len(cleaned), cleaned[-1]
    forbidden = [char for char in _LAST_LINE_FORBIDDEN if char in last]
    if forbidden:
        shown = " ".join(f"« {char} »" for char in forbidden)
        raise ValueError(
            f"ligne {last_number} : ponctuation interdite sur la dernière ligne "
            f"({shown}) {ADDRESS_NORM}"
        )
    return cleaned


EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
"""A plausible e-mail address (local part, domain with at least one dot): a typing check,
not a deliverability one."""


_PLACEHOLDERS = frozenset({
    "neant", "sans objet", "so", "aucun", "aucune", "na", "nc", "non communique",
    "non applicable", "a completer", "a venir", "en cours", "xxx", "x", "tbd", "todo", "",
})
_PLACEHOLDERS_FOLDED = frozenset(p.replace(" ", "") for p in _PLACEHOLDERS)


def is_placeholder_reference(text: str) -> bool:
    """Whether a « reference » only says there is none or it is to come (« néant », « sans
    objet », « N/A », « - », « à compléter »): such a text is not the reference of an act or a
    contract (accents, case, punctuation and spaces aside)."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", folded) in _PLACEHOLDERS_FOLDED
