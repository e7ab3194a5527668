"""Table-driven tests for accordgen.rules.identifiers (valid and invalid values, French messages)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest

from accordgen.rules.identifiers import (
    NATURES_ACTES,
    ActesId,
    check_lrar_number,
    check_postal_address,
    check_siren,
    check_siret,
    format_siren,
    luhn_ok,
    normalize_digits,
    parse_actes,
)

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def exact(message: str) -> str:
    """Regex matching exactly ``message`` (for pytest.raises(match=...))."""
    return f"^{re.escape(message)}$"


# ---------------------------------------------------------------------------
# luhn_ok / normalize_digits
# ---------------------------------------------------------------------------

LUHN_CASES = [
    pytest.param("227700010", True, id="siren-seine-et-marne"),
    pytest.param("380129866", True, id="siren-orange"),
    pytest.param("356000000", True, id="siren-la-poste"),
    pytest.param("732829320", True, id="siren-stdnum-example"),
    pytest.param("73282932000074", True, id="siret-stdnum-example"),
    pytest.param("123456789", False, id="sequence"),
    pytest.param("380129867", False, id="last-digit-changed"),
    pytest.param("0", True, id="single-zero"),
    pytest.param("", False, id="empty"),
    pytest.param("38012986a", False, id="letter"),
    pytest.param("380 129 866", False, id="not-normalised"),
    pytest.param("٣٨٠١٢٩٨٦٦", False, id="non-ascii-digits"),
]


@pytest.mark.parametrize(("digits", "expected"), LUHN_CASES)
def test_luhn_ok(digits: str, expected: bool) -> None:
    assert luhn_ok(digits) is expected


NORMALIZE_CASES = [
    pytest.param("380 129 866", "380129866", id="spaces"),
    pytest.param(f"380{NBSP}129{NBSP}866", "380129866", id="nbsp"),
    pytest.param(f"380{NARROW_NBSP}129{NARROW_NBSP}866", "380129866", id="narrow-nbsp"),
    pytest.param("380.129.866", "380129866", id="dots"),
    pytest.param(" 380 129 866 00013 ", "38012986600013", id="surrounding-spaces"),
    pytest.param("380-129-866", "380-129-866", id="hyphen-kept"),
]


@pytest.mark.parametrize(("value", "expected"), NORMALIZE_CASES)
def test_normalize_digits(value: str, expected: str) -> None:
    assert normalize_digits(value) == expected


# ---------------------------------------------------------------------------
# SIREN
# ---------------------------------------------------------------------------

SIREN_VALID = [
    pytest.param("227700010", "227700010", id="seine-et-marne"),
    pytest.param("380 129 866", "380129866", id="orange-spaces"),
    pytest.param(f"380{NBSP}129{NBSP}866", "380129866", id="orange-nbsp"),
    pytest.param(f"380{NARROW_NBSP}129{NARROW_NBSP}866", "380129866", id="orange-narrow-nbsp"),
    pytest.param("356.000.000", "356000000", id="la-poste-dots"),
]


@pytest.mark.parametrize(("value", "expected"), SIREN_VALID)
def test_check_siren_valid(value: str, expected: str) -> None:
    assert check_siren(value) == expected


SIREN_INVALID = [
    pytest.param(
        "123 456 789",
        "SIREN invalide : « 123 456 789 » (clé de contrôle (Luhn) incorrecte)",
        id="luhn",
    ),
    pytest.param(
        "380129867",
        "SIREN invalide : « 380129867 » (clé de contrôle (Luhn) incorrecte)",
        id="luhn-typo",
    ),
    pytest.param("38012986", "SIREN invalide : « 38012986 » (9 chiffres attendus)", id="8-digits"),
    pytest.param(
        "3801298660", "SIREN invalide : « 3801298660 » (9 chiffres attendus)", id="10-digits"
    ),
    pytest.param("38012986A", "SIREN invalide : « 38012986A » (9 chiffres attendus)", id="letter"),
    pytest.param("", "SIREN invalide : «  » (9 chiffres attendus)", id="empty"),
]


@pytest.mark.parametrize(("value", "message"), SIREN_INVALID)
def test_check_siren_invalid(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=exact(message)):
        check_siren(value)


# ---------------------------------------------------------------------------
# SIRET
# ---------------------------------------------------------------------------

SIRET_VALID = [
    pytest.param("73282932000074", "73282932000074", id="luhn-valid"),
    pytest.param("380 129 866 00014", "38012986600014", id="orange-siren-luhn-valid-nic"),
    pytest.param("227 700 010 00019", "22770001000019", id="seine-et-marne-siren-luhn-valid-nic"),
    pytest.param("356 000 000 09075", "35600000009075", id="la-poste-sum-multiple-of-5"),
    pytest.param("35600000049837", "35600000049837", id="la-poste-sum-45"),
    pytest.param("35600000000001", "35600000000001", id="la-poste-sum-15-not-luhn"),
    pytest.param("35600000000048", "35600000000048", id="la-poste-head-office-luhn"),
]


@pytest.mark.parametrize(("value", "expected"), SIRET_VALID)
def test_check_siret_valid(value: str, expected: str) -> None:
    assert check_siret(value) == expected


LA_POSTE_MESSAGE = (
    "(clé de contrôle La Poste incorrecte : la somme des chiffres doit être un multiple de 5)"
)

SIRET_INVALID = [
    pytest.param(
        "73282932000079",
        "SIRET invalide : « 73282932000079 » (clé de contrôle (Luhn) incorrecte)",
        id="luhn",
    ),
    pytest.param(
        "380 129 866 00013",
        "SIRET invalide : « 380 129 866 00013 » (clé de contrôle (Luhn) incorrecte)",
        id="luhn-orange-nic",
    ),
    pytest.param(
        "7328293200007",
        "SIRET invalide : « 7328293200007 » (14 chiffres attendus)",
        id="13-digits",
    ),
    pytest.param(
        "732829320000740",
        "SIRET invalide : « 732829320000740 » (14 chiffres attendus)",
        id="15-digits",
    ),
    pytest.param(
        "12345678900017",
        "SIRET invalide : « 12345678900017 » "
        "(le SIREN 123456789 a une clé de contrôle (Luhn) incorrecte)",
        id="siren-part-invalid",
    ),
    pytest.param(
        "35600000000013",
        f"SIRET invalide : « 35600000000013 » {LA_POSTE_MESSAGE}",
        id="la-poste-sum-not-multiple-of-5",
    ),
    pytest.param(
        "35600000012340",
        f"SIRET invalide : « 35600000012340 » {LA_POSTE_MESSAGE}",
        id="la-poste-luhn-valid-but-sum-not-multiple-of-5",
    ),
]


@pytest.mark.parametrize(("value", "message"), SIRET_INVALID)
def test_check_siret_invalid(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=exact(message)):
        check_siret(value)


# ---------------------------------------------------------------------------
# format_siren
# ---------------------------------------------------------------------------

FORMAT_SIREN_CASES = [
    pytest.param("380129866", f"380{NBSP}129{NBSP}866", id="compact"),
    pytest.param("380 129 866", f"380{NBSP}129{NBSP}866", id="plain-spaces-replaced"),
    pytest.param("227.700.010", f"227{NBSP}700{NBSP}010", id="dots"),
]


@pytest.mark.parametrize(("value", "expected"), FORMAT_SIREN_CASES)
def test_format_siren(value: str, expected: str) -> None:
    assert format_siren(value) == expected


def test_format_siren_refuses_invalid() -> None:
    with pytest.raises(
        ValueError,
        match=exact("SIREN invalide : « 123456789 » (clé de contrôle (Luhn) incorrecte)"),
    ):
        format_siren("123456789")


# ---------------------------------------------------------------------------
# @CTES identifiers
# ---------------------------------------------------------------------------

ACTES_VALID = [
    pytest.param(
        "077-227700010-20220617-lmc100000023831-DE",
        ActesId("077", "227700010", date(2022, 6, 17), "lmc100000023831", "DE"),
        id="seed-deliberation",
    ),
    pytest.param(
        " 077-227700010-20240229-CP_2024_12-CC ",
        ActesId("077", "227700010", date(2024, 2, 29), "CP_2024_12", "CC"),
        id="leap-day-convention-stripped",
    ),
    pytest.param(
        "02A-227700010-20230101-1-AR",
        ActesId("02A", "227700010", date(2023, 1, 1), "1", "AR"),
        id="corse-du-sud",
    ),
    pytest.param(
        "974-227700010-20231231-A1-BF",
        ActesId("974", "227700010", date(2023, 12, 31), "A1", "BF"),
        id="reunion-budget",
    ),
    pytest.param(
        "077-380129866-20220617-x-AU",
        ActesId("077", "380129866", date(2022, 6, 17), "x", "AU"),
        id="other-siren-autre",
    ),
]


@pytest.mark.parametrize(("value", "expected"), ACTES_VALID)
def test_parse_actes_valid(value: str, expected: ActesId) -> None:
    assert parse_actes(value) == expected


def test_parse_actes_nature_label() -> None:
    assert parse_actes("077-227700010-20220617-lmc100000023831-DE").nature_libelle == "délibération"


def test_natures_actes() -> None:
    assert NATURES_ACTES == {
        "DE": "délibération",
        "AR": "acte réglementaire",
        "AI": "acte individuel",
        "CC": "contrat, convention et avenant",
        "BF": "document budgétaire et financier",
        "AU": "autre",
    }


FORMAT_HINT = (
    "(format attendu : DDD-SIREN-AAAAMMJJ-NUMERO-NATURE, "
    "par ex. 077-227700010-20220617-lmc100000023831-DE)"
)

DEPARTEMENT_HINT = "(3 caractères attendus, par ex. 077, 02A ou 974)"
NUMERO_HINT = "(lettres sans accent, chiffres ou _ uniquement)"

ACTES_INVALID = [
    pytest.param(
        "077-227700010-20220617-DE",
        f"identifiant @CTES invalide : « 077-227700010-20220617-DE » {FORMAT_HINT}",
        id="missing-part",
    ),
    pytest.param(
        "077-227700010-20220617-lmc-1-DE",
        f"identifiant @CTES invalide : « 077-227700010-20220617-lmc-1-DE » {FORMAT_HINT}",
        id="hyphen-in-internal-number",
    ),
    pytest.param(
        "77-227700010-20220617-lmc1-DE",
        f"code département de l'acte invalide : « 77 » {DEPARTEMENT_HINT}",
        id="departement-2-chars",
    ),
    pytest.param(
        "02a-227700010-20220617-lmc1-DE",
        f"code département de l'acte invalide : « 02a » {DEPARTEMENT_HINT}",
        id="departement-lowercase",
    ),
    pytest.param(
        "077-22770001-20220617-lmc1-DE",
        "SIREN de l'acte invalide : « 22770001 » (9 chiffres attendus)",
        id="siren-8-digits",
    ),
    pytest.param(
        "077-227700011-20220617-lmc1-DE",
        "SIREN de l'acte invalide : « 227700011 » (clé de contrôle (Luhn) incorrecte)",
        id="siren-luhn",
    ),
    pytest.param(
        "077-227700010-20230230-lmc1-DE",
        "date de l'acte impossible : 20230230",
        id="date-30-feb",
    ),
    pytest.param(
        "077-227700010-20230229-lmc1-DE",
        "date de l'acte impossible : 20230229",
        id="date-29-feb-non-leap",
    ),
    pytest.param(
        "077-227700010-20231301-lmc1-DE",
        "date de l'acte impossible : 20231301",
        id="date-month-13",
    ),
    pytest.param(
        "077-227700010-2022061-lmc1-DE",
        "date de l'acte invalide : « 2022061 » (format AAAAMMJJ attendu)",
        id="date-7-digits",
    ),
    pytest.param(
        "077-227700010-20220617-délib1-DE",
        f"numéro interne de l'acte invalide : « délib1 » {NUMERO_HINT}",
        id="internal-number-accent",
    ),
    pytest.param(
        "077-227700010-20220617--DE",
        f"numéro interne de l'acte invalide : «  » {NUMERO_HINT}",
        id="internal-number-empty",
    ),
    pytest.param(
        "077-227700010-20220617-lmc1-XX",
        "nature de l'acte inconnue : « XX » (attendu : DE, AR, AI, CC, BF, AU)",
        id="nature-unknown",
    ),
    pytest.param(
        "077-227700010-20220617-lmc1-de",
        "nature de l'acte inconnue : « de » (attendu : DE, AR, AI, CC, BF, AU)",
        id="nature-lowercase",
    ),
]


@pytest.mark.parametrize(("value", "message"), ACTES_INVALID)
def test_parse_actes_invalid(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=exact(message)):
        parse_actes(value)


# ---------------------------------------------------------------------------
# Registered mail (LRAR)
# ---------------------------------------------------------------------------

LRAR_VALID = [
    pytest.param("1A 123 456 7890 1", "1A 123 456 7890 1", id="domestic-spaced"),
    pytest.param("1A12345678901", "1A12345678901", id="domestic-compact"),
    pytest.param(f"  2C{NBSP}00012345678 ", f"2C{NBSP}00012345678", id="domestic-nbsp-stripped"),
    pytest.param("RR123456785FR", "RR123456785FR", id="s10-check-5"),
    pytest.param("RR 123 456 785 FR", "RR 123 456 785 FR", id="s10-spaced"),
    pytest.param("RR111111115FR", "RR111111115FR", id="s10-c11->5"),
    pytest.param("RR000000080FR", "RR000000080FR", id="s10-c10->0"),
    pytest.param("CP000000005DE", "CP000000005DE", id="s10-sum0->5-other-country"),
]


@pytest.mark.parametrize(("value", "expected"), LRAR_VALID)
def test_check_lrar_number_valid(value: str, expected: str) -> None:
    assert check_lrar_number(value) == expected


LRAR_FORMATS = (
    "(formats attendus : national, 1 chiffre, 1 lettre majuscule et 11 chiffres, "
    "par ex. 1A 123 456 7890 1 ; international S10, 2 lettres majuscules, "
    "8 chiffres, 1 chiffre de contrôle et 2 lettres de pays, par ex. RR123456785FR)"
)
S10_CHECK = "(chiffre de contrôle S10 incorrect : vérifiez le numéro sur la preuve de dépôt)"

LRAR_INVALID = [
    pytest.param(
        "RR123456784FR",
        f"numéro de recommandé international invalide : « RR123456784FR » {S10_CHECK}",
        id="s10-wrong-check",
    ),
    pytest.param(
        "RR111111110FR",
        f"numéro de recommandé international invalide : « RR111111110FR » {S10_CHECK}",
        id="s10-c11-written-0",
    ),
    pytest.param(
        "RR000000085FR",
        f"numéro de recommandé international invalide : « RR000000085FR » {S10_CHECK}",
        id="s10-c10-written-5",
    ),
    pytest.param(
        "1a 123 456 7890 1",
        f"numéro de recommandé invalide : « 1a 123 456 7890 1 » {LRAR_FORMATS}",
        id="domestic-lowercase",
    ),
    pytest.param(
        "1A 123 456 7890",
        f"numéro de recommandé invalide : « 1A 123 456 7890 » {LRAR_FORMATS}",
        id="domestic-too-short",
    ),
    pytest.param(
        "1A 123 456 7890 12",
        f"numéro de recommandé invalide : « 1A 123 456 7890 12 » {LRAR_FORMATS}",
        id="domestic-too-long",
    ),
    pytest.param(
        "AA 123 456 7890 1",
        f"numéro de recommandé invalide : « AA 123 456 7890 1 » {LRAR_FORMATS}",
        id="domestic-letter-first",
    ),
    pytest.param(
        "rr123456785fr",
        f"numéro de recommandé invalide : « rr123456785fr » {LRAR_FORMATS}",
        id="s10-lowercase",
    ),
    pytest.param(
        "RR12345678FR",
        f"numéro de recommandé invalide : « RR12345678FR » {LRAR_FORMATS}",
        id="s10-missing-digit",
    ),
    pytest.param(
        "1A-123-456-7890-1",
        f"numéro de recommandé invalide : « 1A-123-456-7890-1 » {LRAR_FORMATS}",
        id="hyphens",
    ),
    pytest.param("", f"numéro de recommandé invalide : «  » {LRAR_FORMATS}", id="empty"),
]


@pytest.mark.parametrize(("value", "message"), LRAR_INVALID)
def test_check_lrar_number_invalid(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=exact(message)):
        check_lrar_number(value)


# ---------------------------------------------------------------------------
# Postal address (NF Z10-011)
# ---------------------------------------------------------------------------

DEPARTEMENT_77 = [
    "Département de Seine-et-Marne",
    "Direction des affaires juridiques",
    "Hôtel du Département",
    "CS 50377",
    "12 rue des Saints-Pères",
    "77010 MELUN CEDEX",
]

ADDRESS_VALID = [
    pytest.param(DEPARTEMENT_77, DEPARTEMENT_77, id="six-lines-french"),
    pytest.param(
        ["Orange SA", "111 quai du Président Roosevelt", "92130 ISSY LES MOULINEAUX"],
        None,
        id="three-lines",
    ),
    pytest.param(["SAINT-DENIS"], None, id="single-line-hyphen-allowed"),
    pytest.param(["Société d'Exemple", "1 rue de l'Église", "75001 PARIS"], None, id="apostrophes"),
    pytest.param(["X" * 38, "75001 PARIS"], None, id="exactly-38-chars"),
    pytest.param(
        ["Beispiel GmbH", "Hauptstraße 1", "10115 Berlin", "ALLEMAGNE"],
        None,
        id="foreign-no-postcode-check",
    ),
    pytest.param(
        ["  Orange SA  ", " 92130 ISSY LES MOULINEAUX "],
        ["Orange SA", "92130 ISSY LES MOULINEAUX"],
        id="stripped",
    ),
    pytest.param(["Re\u0301gion", "75001 PARIS"], ["Région", "75001 PARIS"], id="nfc-normalised"),
]


@pytest.mark.parametrize(("lines", "expected"), ADDRESS_VALID)
def test_check_postal_address_valid(lines: list[str], expected: list[str] | None) -> None:
    assert check_postal_address(lines) == (lines if expected is None else expected)


def test_check_postal_address_counts_nfc_characters() -> None:
    decomposed = "e\u0301" * 38  # 76 code points, 38 characters once composed
    assert check_postal_address([decomposed]) == ["é" * 38]


NORM = "selon la norme La Poste NF Z10-011"

ADDRESS_INVALID = [
    pytest.param(
        ["a", "b", "c" * 41, "75001 PARIS"],
        f"ligne 3 : 41 caractères (38 au plus {NORM})",
        id="line-3-41-chars",
    ),
    pytest.param(["X" * 39], f"ligne 1 : 39 caractères (38 au plus {NORM})", id="line-1-39-chars"),
    pytest.param(
        [*DEPARTEMENT_77[:5], "Bât. A", "77010 MELUN CEDEX"],
        f"adresse de 7 lignes (6 au plus {NORM})",
        id="seven-lines",
    ),
    pytest.param([], "adresse postale vide (1 à 6 lignes attendues)", id="empty"),
    pytest.param(
        ["Orange SA", "  ", "75001 PARIS"],
        "ligne 2 : ligne vide (supprimez-la ou complétez-la)",
        id="blank-line",
    ),
    pytest.param(
        ["Orange SA", "77010 MELUN, CEDEX"],
        f"ligne 2 : ponctuation interdite sur la dernière ligne (« , ») {NORM}",
        id="comma",
    ),
    pytest.param(
        ["Orange SA", "75001 PARIS."],
        f"ligne 2 : ponctuation interdite sur la dernière ligne (« . ») {NORM}",
        id="dot",
    ),
    pytest.param(
        ["Orange SA", "STE. CROIX; SUISSE"],
        f"ligne 2 : ponctuation interdite sur la dernière ligne (« ; » « . ») {NORM}",
        id="several",
    ),
    pytest.param(
        ["Orange SA", "PARIS : 75001"],
        f"ligne 2 : ponctuation interdite sur la dernière ligne (« : ») {NORM}",
        id="colon",
    ),
    pytest.param(
        ["Orange SA", "PARIS !"],
        f"ligne 2 : ponctuation interdite sur la dernière ligne (« ! ») {NORM}",
        id="exclamation",
    ),
    pytest.param(
        ["Orange SA", "PARIS ?"],
        f"ligne 2 : ponctuation interdite sur la dernière ligne (« ? ») {NORM}",
        id="question",
    ),
]


@pytest.mark.parametrize(("lines", "message"), ADDRESS_INVALID)
def test_check_postal_address_invalid(lines: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=exact(message)):
        check_postal_address(lines)


def test_check_postal_address_punctuation_allowed_before_last_line() -> None:
    lines = ["M. Jean Dupont, directeur", "Bât. A ; 2e étage", "75001 PARIS"]
    assert check_postal_address(lines) == lines


# ---------------------------------------------------------------------------
# Helpers used by several tables
# ---------------------------------------------------------------------------

ROUND_TRIPS: list[tuple[Callable[[str], str], str]] = [
    (check_siren, "380129866"),
    (check_siret, "73282932000074"),
]


@pytest.mark.parametrize(("validator", "value"), ROUND_TRIPS, ids=["siren", "siret"])
def test_validators_are_idempotent(validator: Callable[[str], str], value: str) -> None:
    assert validator(validator(value)) == validator(value)
