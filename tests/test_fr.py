"""French formatting filters: what the reader of a contract sees."""

from __future__ import annotations

from datetime import date

import pytest

from accordgen.rules import fr

NB = "\u00a0"


@pytest.mark.parametrize(("value", "expected"), [
    (date(2022, 7, 1), "1er juillet 2022"),
    (date(2022, 6, 17), "17 juin 2022"),
    ("2023-03-18", "18 mars 2023"),
    (date(2024, 2, 29), "29 février 2024"),
    (date(2027, 8, 1), "1er août 2027"),
    (None, ""),
])
def test_date_longue(value, expected) -> None:
    assert fr.date_longue(value).replace(NB, " ") == expected


def test_other_dates() -> None:
    assert fr.date_jour(date(2023, 3, 18)).replace(NB, " ") == "samedi 18 mars 2023"
    assert fr.date_jour(date(2023, 3, 1)).replace(NB, " ") == "mercredi 1er mars 2023"
    assert fr.date_courte(date(2022, 6, 24)) == "24/06/2022"


@pytest.mark.parametrize(("valeur", "unite", "expected"), [
    (15, "jours", "quinze (15) jours"),
    (1, "jours", "un (1) jour"),
    (5, "ans", "cinq (5) ans"),
    (1, "ans", "un (1) an"),
    (2, "mois", "deux (2) mois"),
    (21, "jours", "vingt et un (21) jours"),
    (80, "jours", "quatre-vingts (80) jours"),
])
def test_duree(valeur: int, unite: str, expected: str) -> None:
    assert fr.duree({"valeur": valeur, "unite": unite}).replace(NB, " ") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("deux (2) mois", "de deux (2) mois"),
    ("un (1) mois", "d'un (1) mois"),
    ("onze (11) jours", "de onze (11) jours"),
    ("huit (8) jours", "de huit (8) jours"),
    ("année", "d'année"),
])
def test_de_elides_like_french(text: str, expected: str) -> None:
    assert fr.de(text) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (1500, "1 500,00 € (mille cinq cents euros)"),
    ("12500.5", "12 500,50 € (douze mille cinq cents euros et cinquante centimes)"),
    (1, "1,00 € (un euro)"),
    (1.01, "1,01 € (un euro et un centime)"),
    (2_000_000, "2 000 000,00 € (deux millions d'euros)"),
])
def test_montant(value, expected: str) -> None:
    out = fr.montant(value)
    assert out.replace(NB, " ") == expected
    assert "\u202f" not in out and " " not in out.split("(")[0].strip(), "espaces insécables dans le nombre"


def test_agreement_lists_and_quotes() -> None:
    assert fr.accorde("désigné", "feminin") == "désignée"
    assert fr.accorde("désigné", "masculin") == "désigné"
    assert fr.liste(["le Département", "Orange"]) == "le Département et Orange"
    assert fr.liste(["A", "B", "C"]) == "A, B et C"
    assert fr.guillemets("Département") == f"«{NB}Département{NB}»"
    assert fr.majuscule("le Département et Orange") == "Le Département et Orange"
    assert fr.siren("380129866") == f"380{NB}129{NB}866"


def test_typo_spaces() -> None:
    out = fr.typo("Objet: résiliation ; voir « article 7 » ! https://x.fr/a:b 10:30")
    assert f"Objet{NB}:" in out
    assert f"«{NB}article 7{NB}»" in out
    assert "\u202f;" in out and "\u202f!" in out
    assert "https://x.fr/a:b 10:30" in out


def test_filters_registry_is_complete() -> None:
    for name in ("date_longue", "date_jour", "date_courte", "duree", "montant", "de", "accorde",
                 "liste", "guillemets", "majuscule", "nombre", "en_lettres", "siren", "typo"):
        assert callable(fr.FILTERS[name])


def test_point_06_de_duree_elides_before_un_only() -> None:
    """Issue 16 point 6: the templates write « {{ x|duree|de }} »; among counts 1 to 100 only
    « un » elides (« d'un (1) an »), never « onze » nor « huit » (« de onze », « de huit »)."""
    for n in range(1, 101):
        text = fr.de(fr.duree(n, "ans")).replace(NB, " ")
        if n == 1:
            assert text == "d'un (1) an"
        else:
            assert text.startswith("de "), text
