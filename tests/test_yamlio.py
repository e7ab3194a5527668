"""Reading drafters' YAML: the traps of YAML itself are refused with a French message."""

from __future__ import annotations

from pathlib import Path

import pytest

from accordgen.errors import InputError
from accordgen.yamlio import parse_yaml, read_yaml


def test_dates_stay_text_and_only_true_false_are_booleans() -> None:
    data = parse_yaml("d: 2023-02-30\nnom: No\nx: on\nb: true\n")
    assert data == {"d": "2023-02-30", "nom": "No", "x": "on", "b": True}


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(InputError, match=r"clé « nom » en double \(lignes 1 et 3\)"):
        parse_yaml("nom: a\nautre: b\nnom: c\n", "f.yaml")


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(InputError, match="trop d'alias YAML"):
        parse_yaml("\n".join(lines), "bomb.yaml")


def test_not_yaml(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_text("parties: [a, b\n  c: :\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.yaml : YAML illisible \(ligne \d+, colonne \d+\)"):
        read_yaml(p)


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="fichier introuvable"):
        read_yaml(tmp_path / "absent.yaml")
    (tmp_path / "latin1.yaml").write_bytes("nom: Département".encode("latin-1"))
    with pytest.raises(InputError, match="pas en UTF-8"):
        read_yaml(tmp_path / "latin1.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(InputError, match="au premier niveau"):
        read_yaml(tmp_path / "list.yaml")


def test_a_complex_key_is_refused_in_french() -> None:
    with pytest.raises(InputError, match=r"f.yaml : YAML refusé : nom de champ invalide ligne 2"):
        parse_yaml("a: 1\n? [a, b]\n: c\n", "f.yaml")
    with pytest.raises(InputError, match="nom de champ invalide ligne 1"):
        parse_yaml("{x: 1}: 2\n", "f.yaml")


def test_the_number_of_values_is_capped() -> None:
    from accordgen.yamlio import MAX_NODES

    assert len(parse_yaml("l:\n" + "- a\n" * (MAX_NODES - 10))["l"]) == MAX_NODES - 10
    with pytest.raises(InputError, match=f"trop de valeurs \\(plus de {MAX_NODES}, ligne"):
        parse_yaml("l:\n" + "- a\n" * MAX_NODES, "f.yaml")
