"""Table-driven tests for accordgen.rules.dates.

Every row is a calendar fact checked with Python's ``calendar`` module; rows
that name a weekday also assert it, so a wrong fact fails loudly.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from accordgen.rules.dates import (
    FinDeTerme,
    Periode,
    RegleDelai,
    Unite,
    add_duration,
    is_working_day,
    notice_end,
    public_holidays,
    renewal_period,
    survival_end,
    term,
    term_end,
)


def d(iso: str) -> date:
    """Parse an ISO date (keeps the tables readable)."""
    return date.fromisoformat(iso)


def weekday_name(day: date) -> str:
    """English weekday name from the standard library calendar."""
    return calendar.day_name[day.weekday()]


# ---------------------------------------------------------------------------
# add_duration
# ---------------------------------------------------------------------------

ADD_DURATION_CASES = [
    pytest.param("2023-01-31", 1, Unite.MOIS, "2023-02-28", id="31jan2023+1mois->28feb(non-leap)"),
    pytest.param("2024-01-31", 1, Unite.MOIS, "2024-02-29", id="31jan2024+1mois->29feb(leap)"),
    pytest.param("2023-03-31", 1, Unite.MOIS, "2023-04-30", id="31mar+1mois->30apr"),
    pytest.param("2022-11-30", 3, Unite.MOIS, "2023-02-28", id="30nov2022+3mois->28feb2023"),
    pytest.param("2023-11-30", 3, Unite.MOIS, "2024-02-29", id="30nov2023+3mois->29feb2024"),
    pytest.param("2023-12-31", 2, Unite.MOIS, "2024-02-29", id="31dec2023+2mois->29feb2024"),
    pytest.param("2023-01-15", 13, Unite.MOIS, "2024-02-15", id="13mois-crosses-year"),
    pytest.param("2024-02-29", 1, Unite.ANS, "2025-02-28", id="29feb2024+1an->28feb2025"),
    pytest.param("2024-02-29", 4, Unite.ANS, "2028-02-29", id="29feb2024+4ans->29feb2028"),
    pytest.param("2023-02-28", 1, Unite.ANS, "2024-02-28", id="28feb2023+1an->28feb2024"),
    pytest.param("2022-07-01", 5, Unite.ANS, "2027-07-01", id="seed-1jul2022+5ans"),
    pytest.param("2023-12-20", 15, Unite.JOURS, "2024-01-04", id="20dec2023+15jours-crosses-year"),
    pytest.param("2024-02-20", 10, Unite.JOURS, "2024-03-01", id="20feb2024+10jours-leap"),
    pytest.param("2023-05-10", 0, Unite.JOURS, "2023-05-10", id="zero-jours"),
    pytest.param("2022-07-01", 5, "ans", "2027-07-01", id="unit-as-str"),
    pytest.param("2022-07-01", 1, "an", "2023-07-01", id="unit-singular-an"),
    pytest.param("2023-03-01", 1, " Jour ", "2023-03-02", id="unit-singular-jour-spaces-case"),
]


@pytest.mark.parametrize(("start", "valeur", "unite", "expected"), ADD_DURATION_CASES)
def test_add_duration(start: str, valeur: int, unite: Unite | str, expected: str) -> None:
    assert add_duration(d(start), valeur, unite) == d(expected)


# ---------------------------------------------------------------------------
# term_end / term
# ---------------------------------------------------------------------------

TERM_END_CASES = [
    pytest.param(
        "2022-07-01",
        5,
        Unite.ANS,
        FinDeTerme.VEILLE,
        "2027-06-30",
        "Wednesday",
        id="seed-5ans-veille->Wed-30jun2027",
    ),
    pytest.param(
        "2022-07-01",
        5,
        Unite.ANS,
        FinDeTerme.ANNIVERSAIRE,
        "2027-07-01",
        "Thursday",
        id="seed-5ans-anniversaire->Thu-1jul2027",
    ),
    pytest.param(
        "2023-03-01",
        10,
        Unite.JOURS,
        FinDeTerme.VEILLE,
        "2023-03-10",
        "Friday",
        id="10jours-from-1mar-veille->Fri-10mar",
    ),
    pytest.param(
        "2023-03-01",
        10,
        Unite.JOURS,
        FinDeTerme.ANNIVERSAIRE,
        "2023-03-11",
        "Saturday",
        id="10jours-from-1mar-anniversaire->Sat-11mar",
    ),
    pytest.param(
        "2023-01-01",
        1,
        Unite.ANS,
        FinDeTerme.VEILLE,
        "2023-12-31",
        "Sunday",
        id="civil-year->Sun-31dec2023",
    ),
    pytest.param(
        "2024-02-01",
        1,
        Unite.MOIS,
        FinDeTerme.VEILLE,
        "2024-02-29",
        "Thursday",
        id="february-2024-leap->Thu-29feb",
    ),
    pytest.param(
        "2024-03-01",
        1,
        Unite.MOIS,
        "veille_anniversaire",
        "2024-03-31",
        "Sunday",
        id="march-as-str->Sun-31mar",
    ),
    pytest.param(
        "2024-03-01",
        1,
        Unite.MOIS,
        "anniversaire",
        "2024-04-01",
        "Monday",
        id="anniversaire-as-str->Mon-1apr",
    ),
    # A term from 29 February ends on 28 February (DOMAIN.md): the notional
    # anniversary 29 Feb 2025 does not exist, its eve is the month's last day.
    pytest.param(
        "2024-02-29",
        1,
        Unite.ANS,
        FinDeTerme.VEILLE,
        "2025-02-28",
        "Friday",
        id="29feb-start-veille->Fri-28feb2025",
    ),
    pytest.param(
        "2023-01-31",
        1,
        Unite.MOIS,
        FinDeTerme.VEILLE,
        "2023-02-28",
        "Tuesday",
        id="31jan-plus-1-mois-veille->Tue-28feb2023",
    ),
]


@pytest.mark.parametrize(("start", "valeur", "unite", "fin", "expected", "weekday"), TERM_END_CASES)
def test_term_end(
    start: str,
    valeur: int,
    unite: Unite | str,
    fin: FinDeTerme | str,
    expected: str,
    weekday: str,
) -> None:
    result = term_end(d(start), valeur, unite, fin)
    assert result == d(expected)
    assert weekday_name(result) == weekday


def test_term_end_default_is_veille() -> None:
    assert term_end(d("2022-07-01"), 5, Unite.ANS) == d("2027-06-30")


def test_term_builds_periode() -> None:
    assert term(d("2022-07-01"), 5, "ans") == Periode(d("2022-07-01"), d("2027-06-30"))


PERIODE_CONTIENT_CASES = [
    pytest.param("2022-06-30", False, id="day-before-start"),
    pytest.param("2022-07-01", True, id="first-day"),
    pytest.param("2025-01-15", True, id="middle"),
    pytest.param("2027-06-30", True, id="last-day-Wed"),
    pytest.param("2027-07-01", False, id="anniversary-Thu-not-in-force"),
]


@pytest.mark.parametrize(("day", "expected"), PERIODE_CONTIENT_CASES)
def test_periode_contient(day: str, expected: bool) -> None:
    seed = Periode(d("2022-07-01"), d("2027-06-30"))
    assert seed.contient(d(day)) is expected


def test_periode_refuses_end_before_start() -> None:
    message = "période incohérente : la fin (2022-06-30) précède le début (2022-07-01)"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Periode(d("2022-07-01"), d("2022-06-30"))


# ---------------------------------------------------------------------------
# renewal_period
# ---------------------------------------------------------------------------

RENEWAL_CASES = [
    pytest.param(
        ("2022-07-01", "2027-06-30"),
        5,
        Unite.ANS,
        FinDeTerme.VEILLE,
        ("2027-07-01", "2032-06-30"),
        id="seed-renewed-5ans",
    ),
    pytest.param(
        ("2027-07-01", "2032-06-30"),
        5,
        Unite.ANS,
        FinDeTerme.VEILLE,
        ("2032-07-01", "2037-06-30"),
        id="seed-second-renewal",
    ),
    pytest.param(
        ("2022-07-01", "2027-06-30"),
        1,
        Unite.ANS,
        FinDeTerme.VEILLE,
        ("2027-07-01", "2028-06-30"),
        id="seed-renewed-1an",
    ),
    pytest.param(
        ("2022-07-01", "2027-07-01"),
        5,
        Unite.ANS,
        FinDeTerme.ANNIVERSAIRE,
        ("2027-07-02", "2032-07-01"),
        id="anniversaire-renewal-lasts-exactly-5ans",
    ),
    pytest.param(
        ("2023-01-01", "2023-12-31"),
        6,
        Unite.MOIS,
        FinDeTerme.VEILLE,
        ("2024-01-01", "2024-06-30"),
        id="6mois-across-year",
    ),
]


@pytest.mark.parametrize(("previous", "valeur", "unite", "fin", "expected"), RENEWAL_CASES)
def test_renewal_period(
    previous: tuple[str, str],
    valeur: int,
    unite: Unite,
    fin: FinDeTerme,
    expected: tuple[str, str],
) -> None:
    prev = Periode(d(previous[0]), d(previous[1]))
    assert renewal_period(prev, valeur, unite, fin) == Periode(d(expected[0]), d(expected[1]))


# ---------------------------------------------------------------------------
# survival_end
# ---------------------------------------------------------------------------

SURVIVAL_CASES = [
    pytest.param("2027-06-30", 5, Unite.ANS, "2032-06-30", id="seed-5ans->30jun2032"),
    pytest.param("2032-06-30", 5, "ans", "2037-06-30", id="after-renewal-5ans->30jun2037"),
    pytest.param("2023-12-31", 1, Unite.ANS, "2024-12-31", id="1an-after-31dec2023"),
    pytest.param("2027-06-30", 3, Unite.MOIS, "2027-09-30", id="3mois->30sep2027"),
    pytest.param("2027-06-30", 30, Unite.JOURS, "2027-07-30", id="30jours->30jul2027"),
]


@pytest.mark.parametrize(("accord_fin", "valeur", "unite", "expected"), SURVIVAL_CASES)
def test_survival_end(accord_fin: str, valeur: int, unite: Unite | str, expected: str) -> None:
    assert survival_end(d(accord_fin), valeur, unite) == d(expected)


# ---------------------------------------------------------------------------
# notice_end
# ---------------------------------------------------------------------------

NOTICE_CASES = [
    # Calendar rule: no extension at all (Cass. 3e civ. 8 March 2018, 17-11.312).
    pytest.param(
        "2023-03-03",
        "Friday",
        15,
        RegleDelai.CALENDAIRE,
        False,
        "2023-03-18",
        "Saturday",
        id="calendaire-Fri-3mar2023+15->Sat-18mar",
    ),
    pytest.param(
        "2023-12-20",
        "Wednesday",
        15,
        RegleDelai.CALENDAIRE,
        False,
        "2024-01-04",
        "Thursday",
        id="calendaire-Wed-20dec2023+15->Thu-4jan2024-year-end",
    ),
    pytest.param(
        "2023-01-25",
        "Wednesday",
        10,
        RegleDelai.CALENDAIRE,
        False,
        "2023-02-04",
        "Saturday",
        id="calendaire-Wed-25jan+10->Sat-4feb-month-end",
    ),
    pytest.param(
        "2024-02-20",
        "Tuesday",
        15,
        RegleDelai.CALENDAIRE,
        False,
        "2024-03-06",
        "Wednesday",
        id="calendaire-Tue-20feb2024+15->Wed-6mar-leap",
    ),
    pytest.param(
        "2023-06-29",
        "Thursday",
        15,
        RegleDelai.CALENDAIRE,
        False,
        "2023-07-14",
        "Friday",
        id="calendaire-ends-on-14jul-Fri-not-extended",
    ),
    # PROROGATION (art. 642 CPC style).
    pytest.param(
        "2023-03-03",
        "Friday",
        15,
        RegleDelai.PROROGATION,
        False,
        "2023-03-20",
        "Monday",
        id="prorogation-Sat-18mar->Mon-20mar",
    ),
    pytest.param(
        "2023-06-29",
        "Thursday",
        15,
        RegleDelai.PROROGATION,
        False,
        "2023-07-17",
        "Monday",
        id="prorogation-Fri-14jul2023-then-weekend->Mon-17jul",
    ),
    pytest.param(
        "2025-06-29",
        "Sunday",
        15,
        RegleDelai.PROROGATION,
        False,
        "2025-07-15",
        "Tuesday",
        id="prorogation-Mon-14jul2025->Tue-15jul",
    ),
    pytest.param(
        "2023-10-17",
        "Tuesday",
        15,
        RegleDelai.PROROGATION,
        False,
        "2023-11-02",
        "Thursday",
        id="prorogation-Wed-1nov2023->Thu-2nov",
    ),
    pytest.param(
        "2025-10-17",
        "Friday",
        15,
        RegleDelai.PROROGATION,
        False,
        "2025-11-03",
        "Monday",
        id="prorogation-Sat-1nov2025->Mon-3nov",
    ),
    pytest.param(
        "2024-03-17",
        "Sunday",
        15,
        RegleDelai.PROROGATION,
        False,
        "2024-04-02",
        "Tuesday",
        id="prorogation-EasterMonday-1apr2024->Tue-2apr",
    ),
    pytest.param(
        "2023-12-20",
        "Wednesday",
        15,
        RegleDelai.PROROGATION,
        False,
        "2024-01-04",
        "Thursday",
        id="prorogation-already-working-day-unchanged",
    ),
    # Alsace-Moselle: Good Friday and 26 December.
    pytest.param(
        "2023-12-11",
        "Monday",
        15,
        RegleDelai.PROROGATION,
        False,
        "2023-12-26",
        "Tuesday",
        id="prorogation-Tue-26dec2023-metropole-working",
    ),
    pytest.param(
        "2023-12-11",
        "Monday",
        15,
        RegleDelai.PROROGATION,
        True,
        "2023-12-27",
        "Wednesday",
        id="prorogation-Tue-26dec2023-alsace->Wed-27dec",
    ),
    pytest.param(
        "2024-03-14",
        "Thursday",
        15,
        RegleDelai.PROROGATION,
        False,
        "2024-03-29",
        "Friday",
        id="prorogation-GoodFriday-29mar2024-metropole-working",
    ),
    pytest.param(
        "2024-03-14",
        "Thursday",
        15,
        RegleDelai.PROROGATION,
        True,
        "2024-04-02",
        "Tuesday",
        id="prorogation-GoodFriday-alsace->Tue-2apr-after-EasterMonday",
    ),
    pytest.param(
        "2023-12-11",
        "Monday",
        15,
        RegleDelai.CALENDAIRE,
        True,
        "2023-12-26",
        "Tuesday",
        id="calendaire-alsace-26dec-not-extended",
    ),
    # JOURS_OUVRES: working days counted from the day after the sending.
    pytest.param(
        "2023-03-03",
        "Friday",
        15,
        RegleDelai.JOURS_OUVRES,
        False,
        "2023-03-24",
        "Friday",
        id="jours-ouvres-Fri-3mar+15->Fri-24mar",
    ),
    pytest.param(
        "2024-03-17",
        "Sunday",
        15,
        RegleDelai.JOURS_OUVRES,
        False,
        "2024-04-08",
        "Monday",
        id="jours-ouvres-across-Easter-weekend->Mon-8apr",
    ),
    pytest.param(
        "2024-03-17",
        "Sunday",
        15,
        RegleDelai.JOURS_OUVRES,
        True,
        "2024-04-09",
        "Tuesday",
        id="jours-ouvres-Easter-alsace-GoodFriday->Tue-9apr",
    ),
    pytest.param(
        "2023-12-20",
        "Wednesday",
        15,
        RegleDelai.JOURS_OUVRES,
        False,
        "2024-01-12",
        "Friday",
        id="jours-ouvres-Christmas-NewYear->Fri-12jan2024",
    ),
    pytest.param(
        "2023-12-20",
        "Wednesday",
        15,
        RegleDelai.JOURS_OUVRES,
        True,
        "2024-01-15",
        "Monday",
        id="jours-ouvres-Christmas-alsace-26dec->Mon-15jan2024",
    ),
    pytest.param(
        "2024-05-06",
        "Monday",
        2,
        RegleDelai.JOURS_OUVRES,
        False,
        "2024-05-10",
        "Friday",
        id="jours-ouvres-Wed-8may-Thu-Ascension->Fri-10may",
    ),
    pytest.param(
        "2023-03-03",
        "Friday",
        0,
        RegleDelai.JOURS_OUVRES,
        False,
        "2023-03-03",
        "Friday",
        id="jours-ouvres-zero",
    ),
    pytest.param(
        "2023-03-03",
        "Friday",
        15,
        "prorogation",
        False,
        "2023-03-20",
        "Monday",
        id="regle-as-str",
    ),
]


@pytest.mark.parametrize(
    ("sending", "sending_weekday", "jours", "regle", "alsace", "expected", "weekday"), NOTICE_CASES
)
def test_notice_end(
    sending: str,
    sending_weekday: str,
    jours: int,
    regle: RegleDelai | str,
    alsace: bool,
    expected: str,
    weekday: str,
) -> None:
    assert weekday_name(d(sending)) == sending_weekday
    result = notice_end(d(sending), jours, regle, alsace_moselle=alsace)
    assert result == d(expected)
    assert weekday_name(result) == weekday


def test_notice_end_default_is_calendaire() -> None:
    assert notice_end(d("2023-03-03"), 15) == d("2023-03-18")


# ---------------------------------------------------------------------------
# Public holidays and working days
# ---------------------------------------------------------------------------

# The legal list (art. L3133-1 Code du travail; Alsace-Moselle: art. L3134-13).
LEGAL_HOLIDAYS = {
    2023: [
        "2023-01-01",
        "2023-04-10",
        "2023-05-01",
        "2023-05-08",
        "2023-05-18",
        "2023-05-29",
        "2023-07-14",
        "2023-08-15",
        "2023-11-01",
        "2023-11-11",
        "2023-12-25",
    ],
    2024: [
        "2024-01-01",
        "2024-04-01",
        "2024-05-01",
        "2024-05-08",
        "2024-05-09",
        "2024-05-20",
        "2024-07-14",
        "2024-08-15",
        "2024-11-01",
        "2024-11-11",
        "2024-12-25",
    ],
    2025: [
        "2025-01-01",
        "2025-04-21",
        "2025-05-01",
        "2025-05-08",
        "2025-05-29",
        "2025-06-09",
        "2025-07-14",
        "2025-08-15",
        "2025-11-01",
        "2025-11-11",
        "2025-12-25",
    ],
    2027: [
        "2027-01-01",
        "2027-03-29",
        "2027-05-01",
        "2027-05-06",
        "2027-05-08",
        "2027-05-17",
        "2027-07-14",
        "2027-08-15",
        "2027-11-01",
        "2027-11-11",
        "2027-12-25",
    ],
    # `holidays` leaves Whit Monday out for 2005-2007; it stays a legal holiday.
    2006: [
        "2006-01-01",
        "2006-04-17",
        "2006-05-01",
        "2006-05-08",
        "2006-05-25",
        "2006-06-05",
        "2006-07-14",
        "2006-08-15",
        "2006-11-01",
        "2006-11-11",
        "2006-12-25",
    ],
}
ALSACE_EXTRA = {
    2023: ["2023-04-07", "2023-12-26"],
    2024: ["2024-03-29", "2024-12-26"],
    2025: ["2025-04-18", "2025-12-26"],
    2027: ["2027-03-26", "2027-12-26"],
    2006: ["2006-04-14", "2006-12-26"],
}


@pytest.mark.parametrize("year", sorted(LEGAL_HOLIDAYS))
@pytest.mark.parametrize("alsace", [False, True], ids=["metropole", "alsace-moselle"])
def test_public_holidays_pin_legal_list(year: int, alsace: bool) -> None:
    expected = set(LEGAL_HOLIDAYS[year]) | (set(ALSACE_EXTRA[year]) if alsace else set())
    result = public_holidays(year, alsace_moselle=alsace)
    assert {day.isoformat() for day in result} == expected
    assert len(result) == (13 if alsace else 11)


def test_public_holidays_names_are_french() -> None:
    names = public_holidays(2024, alsace_moselle=True)
    assert names[d("2024-07-14")] == "Fête nationale"
    assert names[d("2024-05-20")] == "Lundi de Pentecôte"
    assert names[d("2024-03-29")] == "Vendredi saint"


def test_public_holidays_returns_a_copy() -> None:
    first = public_holidays(2024)
    first.clear()
    assert d("2024-12-25") in public_holidays(2024)
    assert not is_working_day(d("2024-12-25"))


WORKING_DAY_CASES = [
    pytest.param("2024-03-29", False, True, id="GoodFriday-Fri-metropole-working"),
    pytest.param("2024-03-29", True, False, id="GoodFriday-Fri-alsace-off"),
    pytest.param("2023-12-26", False, True, id="26dec-Tue-metropole-working"),
    pytest.param("2023-12-26", True, False, id="26dec-Tue-alsace-off"),
    pytest.param("2024-05-20", False, False, id="WhitMonday-Mon-off"),
    pytest.param("2024-11-11", False, False, id="Armistice-Mon-off"),
    pytest.param("2023-03-18", False, False, id="Sat-off"),
    pytest.param("2023-03-19", False, False, id="Sun-off"),
    pytest.param("2023-03-20", False, True, id="Mon-working"),
    pytest.param("2006-06-05", False, False, id="WhitMonday-2006-Mon-off"),
]


@pytest.mark.parametrize(("day", "alsace", "expected"), WORKING_DAY_CASES)
def test_is_working_day(day: str, alsace: bool, expected: bool) -> None:
    assert is_working_day(d(day), alsace_moselle=alsace) is expected


# ---------------------------------------------------------------------------
# Errors (messages shown to drafters, in French)
# ---------------------------------------------------------------------------

NEGATIVE_MESSAGE = "valeur négative interdite : -1 (une durée ou un délai ne peut pas être négatif)"

ERROR_CASES = [
    pytest.param(
        lambda: add_duration(d("2023-01-01"), -1, Unite.JOURS),
        ValueError,
        NEGATIVE_MESSAGE,
        id="add_duration-negative",
    ),
    pytest.param(
        lambda: notice_end(d("2023-01-01"), -1),
        ValueError,
        NEGATIVE_MESSAGE,
        id="notice_end-negative",
    ),
    pytest.param(
        lambda: term_end(d("2023-01-01"), -1, Unite.ANS),
        ValueError,
        NEGATIVE_MESSAGE,
        id="term_end-negative",
    ),
    pytest.param(
        lambda: term_end(d("2023-01-01"), 0, Unite.ANS),
        ValueError,
        "durée trop courte : 0 (au moins 1 attendu pour un terme)",
        id="term_end-zero",
    ),
    pytest.param(
        lambda: add_duration(d("2023-01-01"), 2, "semaines"),
        ValueError,
        "unité inconnue : « semaines » (attendu : jours, mois ou ans)",
        id="unknown-unit",
    ),
    pytest.param(
        lambda: survival_end(d("2027-06-30"), 5, "années"),
        ValueError,
        "unité inconnue : « années » (attendu : jours, mois ou ans)",
        id="survival-unknown-unit",
    ),
    pytest.param(
        lambda: notice_end(d("2023-01-01"), 15, "ouvrables"),
        ValueError,
        "règle de délai inconnue : « ouvrables » "
        "(attendu : calendaire, prorogation ou jours_ouvres)",
        id="unknown-regle",
    ),
    pytest.param(
        lambda: term_end(d("2023-01-01"), 1, Unite.ANS, "lendemain"),
        ValueError,
        "convention de fin de terme inconnue : « lendemain » "
        "(attendu : veille_anniversaire ou anniversaire)",
        id="unknown-fin",
    ),
    pytest.param(
        lambda: add_duration(d("2023-01-01"), 1.5, Unite.MOIS),  # type: ignore[arg-type]
        TypeError,
        "nombre entier attendu pour une durée ou un délai : « 1.5 »",
        id="non-integer",
    ),
]


@pytest.mark.parametrize(("call", "exc", "message"), ERROR_CASES)
def test_errors_in_french(call: Callable[[], object], exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=f"^{re.escape(message)}$"):
        call()


# ---------------------------------------------------------------------------
# Issue 16 point 15: renewals under « anniversaire » do not drift
# ---------------------------------------------------------------------------


def _chain(signature: str, valeur: int, unite: Unite, fin: FinDeTerme, renewals: int) -> list[Periode]:
    periods = [term(d(signature), valeur, unite, fin)]
    for _ in range(renewals):
        periods.append(renewal_period(periods[-1], valeur, unite, fin))
    return periods


def test_point_15_anniversaire_renewals_do_not_drift() -> None:
    # Signed 1 July 2022 for 3 years, ending on the anniversary: in force through
    # 1 July 2025; each renewal lasts exactly 3 years and ends on an anniversary again.
    periods = _chain("2022-07-01", 3, Unite.ANS, FinDeTerme.ANNIVERSAIRE, 3)
    assert periods == [
        Periode(d("2022-07-01"), d("2025-07-01")),
        Periode(d("2025-07-02"), d("2028-07-01")),
        Periode(d("2028-07-02"), d("2031-07-01")),
        Periode(d("2031-07-02"), d("2034-07-01")),
    ]
    for renewal in periods[1:]:
        assert add_duration(renewal.debut, 3, Unite.ANS) - timedelta(days=1) == renewal.fin


def test_point_15_anniversaire_and_29_february() -> None:
    # Signed 29 February 2024 for 1 year: no 29 February 2025, the term ends on the
    # 28th (art. 641 CPC); the renewal starts on 1 March and lasts exactly a year,
    # through 28 February 2026; a 4-year renewal then runs through 28 February 2030.
    periods = _chain("2024-02-29", 1, Unite.ANS, FinDeTerme.ANNIVERSAIRE, 1)
    assert periods == [Periode(d("2024-02-29"), d("2025-02-28")), Periode(d("2025-03-01"), d("2026-02-28"))]
    assert renewal_period(periods[-1], 4, Unite.ANS, FinDeTerme.ANNIVERSAIRE) == Periode(
        d("2026-03-01"), d("2030-02-28"))
    # Signed 28 February 2023 for 1 year: in force through 28 February 2024; the renewal
    # starts on 29 February 2024 and ends on 28 February 2025 (a year from 29 February).
    periods = _chain("2023-02-28", 1, Unite.ANS, FinDeTerme.ANNIVERSAIRE, 2)
    assert periods == [
        Periode(d("2023-02-28"), d("2024-02-28")),
        Periode(d("2024-02-29"), d("2025-02-28")),
        Periode(d("2025-03-01"), d("2026-02-28")),
    ]
    # A renewal of 3 years from 1 March 2025 includes 29 February 2028 as its last day.
    assert renewal_period(Periode(d("2024-03-01"), d("2025-02-28")), 3, Unite.ANS,
                          FinDeTerme.ANNIVERSAIRE) == Periode(d("2025-03-01"), d("2028-02-29"))


def test_point_15_renewal_is_the_same_under_both_conventions() -> None:
    # The convention only governs the initial term (counted from a signature); a renewal
    # starts the day after the previous end under both and lasts exactly its duration.
    previous = Periode(d("2022-07-01"), d("2025-07-01"))
    assert (renewal_period(previous, 6, Unite.MOIS, FinDeTerme.ANNIVERSAIRE)
            == renewal_period(previous, 6, Unite.MOIS, FinDeTerme.VEILLE)
            == Periode(d("2025-07-02"), d("2026-01-01")))
    with pytest.raises(ValueError, match="convention de fin de terme inconnue"):
        renewal_period(previous, 1, Unite.ANS, "lendemain")
