"""Pure deadline and term rules for French contractual documents.

Everything here works on :class:`datetime.date` objects only: no I/O and no
formatting of dates to strings (formatting belongs to the rendering layer).

Vocabulary
----------
* A *term* (« durée ») starts on its first day in force (``debut``) and ends on
  its last day in force (``fin``, inclusive).  By default (:attr:`FinDeTerme.VEILLE`)
  a term of 5 years starting on 2022-07-01 is in force up to and including
  2027-06-30, i.e. the day before the anniversary.
* A *notice* (« préavis ») of N days following a sending starts the day after
  the postmark date D and ends at the end of day D + N.  A contractual notice
  is not extended when it ends on a weekend or a public holiday
  (Cass. 3e civ., 8 March 2018, n° 17-11.312), which is the default rule
  :attr:`RegleDelai.CALENDAIRE`.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

import holidays

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "FinDeTerme",
    "Periode",
    "RegleDelai",
    "Unite",
    "add_duration",
    "is_working_day",
    "notice_end",
    "public_holidays",
    "renewal_period",
    "survival_end",
    "term",
    "term_end",
]

_ONE_DAY = timedelta(days=1)
_T = TypeVar("_T")


def _in_calendar(func: Callable[..., _T]) -> Callable[..., _T]:
    """A date computation that passes the year 9999 raises a French ValueError, never
    OverflowError (the models bound dates to 1900-2200, so this is a last resort)."""

    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: object) -> _T:
        try:
            return func(*args, **kwargs)
        except OverflowError:
            raise ValueError("date hors du calendrier (au-delà de l'an 9999)") from None
        except ValueError as exc:
            if "out of range" in str(exc):
                raise ValueError("date hors du calendrier (au-delà de l'an 9999)") from None
            raise

    return wrapper



class Unite(StrEnum):
    """Unit of a duration or a delay."""

    JOURS = "jours"
    MOIS = "mois"
    ANS = "ans"


class FinDeTerme(StrEnum):
    """Convention for the last day in force of a term."""

    VEILLE = "veille_anniversaire"
    """Default: the term ends on the day before the anniversary date."""

    ANNIVERSAIRE = "anniversaire"
    """The term ends on the anniversary date itself."""


class RegleDelai(StrEnum):
    """How the end of a notice period is computed."""

    CALENDAIRE = "calendaire"
    """Default for a contractual notice: calendar days, no extension at all."""

    PROROGATION = "prorogation"
    """Art. 642 CPC style: a last day that is not a working day moves to the next working day."""

    JOURS_OUVRES = "jours_ouvres"
    """Only working days (Monday to Friday, not a French public holiday) are counted."""


# Singular spellings accepted for convenience ("1 an", "1 jour").
_UNITE_ALIASES: dict[str, Unite] = {"an": Unite.ANS, "jour": Unite.JOURS}


@dataclass(frozen=True)
class Periode:
    """A period of time, both bounds included."""

    debut: date
    """First day in force."""

    fin: date
    """Last day in force (inclusive)."""

    def __post_init__(self) -> None:
        """Refuse a period that ends before it starts."""
        if self.fin < self.debut:
            raise ValueError(
                f"période incohérente : la fin ({self.fin.isoformat()}) "
                f"précède le début ({self.debut.isoformat()})"
            )

    def contient(self, d: date) -> bool:
        """Return True when ``d`` is a day in force of the period."""
        return self.debut <= d <= self.fin


# --------------------------------------------------------------------------
# Parsing of enum-like arguments
# --------------------------------------------------------------------------


def _as_unite(unite: Unite | str) -> Unite:
    """Convert ``unite`` to :class:`Unite` or raise a French ValueError."""
    if isinstance(unite, Unite):
        return unite
    key = str(unite).strip().lower()
    try:
        return Unite(key)
    except ValueError:
        pass
    if key in _UNITE_ALIASES:
        return _UNITE_ALIASES[key]
    raise ValueError(f"unité inconnue : « {unite} » (attendu : jours, mois ou ans)")


_E = TypeVar("_E", bound=StrEnum)


def _as_enum(cls: type[_E], value: _E | str, what: str) -> _E:
    """Convert ``value`` to ``cls`` or raise a French ValueError naming ``what`` and the
    values allowed."""
    if isinstance(value, cls):
        return value
    try:
        return cls(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        allowed = " ou ".join(allowed.rsplit(", ", 1))
        raise ValueError(f"{what} inconnue : « {value} » (attendu : {allowed})") from None


def _as_fin(fin: FinDeTerme | str) -> FinDeTerme:
    return _as_enum(FinDeTerme, fin, "convention de fin de terme")


def _as_regle(regle: RegleDelai | str) -> RegleDelai:
    return _as_enum(RegleDelai, regle, "règle de délai")


def _check_amount(valeur: int, *, minimum: int = 0) -> int:
    """Return ``valeur`` if it is an integer >= ``minimum``, else raise in French."""
    if isinstance(valeur, bool) or not isinstance(valeur, int):
        raise TypeError(f"nombre entier attendu pour une durée ou un délai : « {valeur!r} »")
    if valeur < 0:
        raise ValueError(
            f"valeur négative interdite : {valeur} (une durée ou un délai ne peut pas être négatif)"
        )
    if valeur < minimum:
        raise ValueError(f"durée trop courte : {valeur} (au moins {minimum} attendu pour un terme)")
    return valeur


# --------------------------------------------------------------------------
# Durations and terms
# --------------------------------------------------------------------------


def _add_months(start: date, months: int) -> date:
    """Add ``months`` months keeping the day number, falling back to the month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


@_in_calendar
def add_duration(start: date, valeur: int, unite: Unite | str) -> date:
    """Return ``start`` shifted by ``valeur`` days, months or years.

    Months and years keep the same day number; when that day does not exist in
    the target month, the month's last day is used (2024-02-29 + 1 an ->
    2025-02-28; 2023-01-31 + 1 mois -> 2023-02-28).  Days are plain calendar
    additions.  ``valeur`` must be >= 0.
    """
    u = _as_unite(unite)
    n = _check_amount(valeur)
    if u is Unite.JOURS:
        return start + timedelta(days=n)
    if u is Unite.MOIS:
        return _add_months(start, n)
    return _add_months(start, 12 * n)


@_in_calendar
def term_end(
    start: date,
    valeur: int,
    unite: Unite | str,
    fin: FinDeTerme | str = FinDeTerme.VEILLE,
) -> date:
    """Return the last day in force of a term whose first day in force is ``start``.

    With :attr:`FinDeTerme.VEILLE` (default) this is the day before
    ``add_duration(start, valeur, unite)`` -- or the month's last day when the
    anniversary day does not exist (a year from 29 February ends on 28 February); with :attr:`FinDeTerme.ANNIVERSAIRE`
    it is that date itself.  A term lasts at least one unit.
    """
    convention = _as_fin(fin)
    _check_amount(valeur, minimum=1)
    anniversary = add_duration(start, valeur, unite)
    if convention is FinDeTerme.VEILLE:
        if _as_unite(unite) is not Unite.JOURS and anniversary.day != start.day:
            # The anniversary day does not exist (29 Feb, 31st): the notional anniversary
            # lies after the month's last day, so the term ends on that last day.
            return anniversary
        return anniversary - _ONE_DAY
    return anniversary


@_in_calendar
def term(
    start: date,
    valeur: int,
    unite: Unite | str,
    fin: FinDeTerme | str = FinDeTerme.VEILLE,
) -> Periode:
    """Return the :class:`Periode` of a term starting on ``start``."""
    return Periode(start, term_end(start, valeur, unite, fin))


@_in_calendar
def renewal_period(
    previous: Periode,
    valeur: int,
    unite: Unite | str,
    fin: FinDeTerme | str = FinDeTerme.VEILLE,
) -> Periode:
    """Return the period following ``previous`` for a renewal of ``valeur`` ``unite``.

    The new period starts the day after ``previous.fin`` and lasts exactly
    ``valeur`` ``unite``: it ends on the eve of its own anniversary, whatever the
    accord's end-of-term convention ``fin`` (still validated).  ``fin`` only
    governs the initial term, counted from a signature: under
    :attr:`FinDeTerme.ANNIVERSAIRE` the signature day is not counted (as for a
    délai, art. 641 CPC), so the accord is in force from its signature through
    the anniversary.  A renewal starts on a given day, not on an act, so there is
    no day to leave out: applying the anniversary rule to it again would add a
    day per renewal (2025-07-01 -> 2028-07-02 -> 2031-07-03).  Signed
    2022-07-01 for 3 years under ``anniversaire``: in force through 2025-07-01,
    renewed for 3 years from 2025-07-02 through 2028-07-01.
    """
    _as_fin(fin)
    return term(previous.fin + _ONE_DAY, valeur, unite, FinDeTerme.VEILLE)


@_in_calendar
def survival_end(accord_fin: date, valeur: int, unite: Unite | str) -> date:
    """Return the last day covered by an obligation surviving the accord.

    « ... et perdure pour une durée de 5 ans au terme de l'Accord » : the
    survival term starts the day after the accord's last day in force and ends
    on the day before its anniversary (accord in force up to 2027-06-30,
    5 ans -> 2032-06-30).
    """
    return term_end(accord_fin + _ONE_DAY, valeur, unite, FinDeTerme.VEILLE)


# --------------------------------------------------------------------------
# Public holidays and working days
# --------------------------------------------------------------------------


def _easter_sunday(year: int) -> date:
    """Return the Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    x = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * x) // 451
    month, day = divmod(h + x - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.lru_cache(maxsize=256)
def _holidays_for(year: int, alsace_moselle: bool) -> Mapping[date, str]:
    """Return a read-only, cached mapping of the French public holidays of ``year``."""
    subdiv = "57" if alsace_moselle else None
    found: dict[date, str] = dict(holidays.France(years=year, subdiv=subdiv, language="fr"))
    # Whit Monday is a public holiday in art. L3133-1 of the Code du travail
    # even though `holidays` leaves it out for 2005-2007 (solidarity day years).
    whit_monday = _easter_sunday(year) + timedelta(days=50)
    found.setdefault(whit_monday, "Lundi de Pentecôte")
    return MappingProxyType(dict(sorted(found.items())))


def public_holidays(year: int, *, alsace_moselle: bool = False) -> dict[date, str]:
    """Return the French public holidays of ``year`` (date -> French name).

    Metropolitan France: 1 Jan, Easter Monday, 1 May, 8 May, Ascension,
    Whit Monday, 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec.  Alsace-Moselle
    (Bas-Rhin, Haut-Rhin, Moselle) adds Good Friday and 26 Dec.  The result is
    a fresh dict; the underlying data is cached per (year, alsace_moselle).
    """
    return dict(_holidays_for(year, alsace_moselle))


def is_working_day(d: date, *, alsace_moselle: bool = False) -> bool:
    """Return True for Monday to Friday days that are not French public holidays."""
    return d.weekday() < 5 and d not in _holidays_for(d.year, alsace_moselle)


def _next_working_day(d: date, *, alsace_moselle: bool) -> date:
    """Return ``d`` if it is a working day, otherwise the next working day."""
    while not is_working_day(d, alsace_moselle=alsace_moselle):
        d += _ONE_DAY
    return d


def _add_working_days(sending: date, jours: int, *, alsace_moselle: bool) -> date:
    """Return the ``jours``-th working day after ``sending`` (``sending`` itself if 0)."""
    d = sending
    remaining = jours
    while remaining > 0:
        d += _ONE_DAY
        if is_working_day(d, alsace_moselle=alsace_moselle):
            remaining -= 1
    return d


@_in_calendar
def notice_end(
    sending: date,
    jours: int,
    regle: RegleDelai | str = RegleDelai.CALENDAIRE,
    *,
    alsace_moselle: bool = False,
) -> date:
    """Return the last day of a notice of ``jours`` days following ``sending``.

    ``sending`` is the postmark date D; the notice runs from D + 1 to the end
    of the returned day.

    * :attr:`RegleDelai.CALENDAIRE`: D + N, never extended (posted Friday
      2023-03-03, 15 days -> Saturday 2023-03-18).
    * :attr:`RegleDelai.PROROGATION`: D + N, moved to the next working day
      when it is a Saturday, Sunday or public holiday.
    * :attr:`RegleDelai.JOURS_OUVRES`: the N-th working day after D.
    """
    rule = _as_regle(regle)
    n = _check_amount(jours)
    if rule is RegleDelai.JOURS_OUVRES:
        return _add_working_days(sending, n, alsace_moselle=alsace_moselle)
    end = sending + timedelta(days=n)
    if rule is RegleDelai.PROROGATION:
        return _next_working_day(end, alsace_moselle=alsace_moselle)
    return end
