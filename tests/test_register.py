"""Reading a batch register (CSV or Excel), override values, output names, messages."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from accordgen.batch.messages import failure_message, one_line, safe_output_name
from accordgen.batch.register import canonical_path, override_values, parse_override, read_register
from accordgen.demo import dossier_documents
from accordgen.dossier import load
from accordgen.errors import RegisterError, ValidationError

from conftest import EXAMPLE, ROOT, run_cli


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_with_semicolons_bom_blank_rows_and_overrides(tmp_path: Path) -> None:
    reg = write(tmp_path / "registre.csv",
                "\ufefftype;fichier;sortie;signature.lieu;Signataire.nom\n"
                "accord;docs/accord.yaml;;Fontainebleau;\n"
                "\n"
                ";;;;\n"
                "lettre-resiliation;/abs/lettre.yaml;lettre-1; ;DURAND\n")
    register = read_register(reg)
    assert register.override_columns == ["signature.lieu", "Signataire.nom"]
    first, second = register.rows
    # spreadsheet row numbers: the header is row 1, blank rows are skipped but counted
    assert (first.number, second.number) == (2, 5)
    assert first.kind == "accord" and first.file == "docs/accord.yaml"
    assert first.path == (tmp_path / "docs" / "accord.yaml").resolve()
    assert first.overrides == {"signature.lieu": "Fontainebleau"}  # empty cell: no override
    assert second.path == Path("/abs/lettre.yaml") and second.output == "lettre-1"
    assert second.overrides == {"Signataire.nom": "DURAND"}  # a blank cell is no override


def test_csv_with_commas_and_quoted_cells(tmp_path: Path) -> None:
    reg = write(tmp_path / "r.csv", 'Type,Fichier,Sortie,signature.lieu\n'
                                    'accord,a.yaml,"x, y","Melun, Seine-et-Marne"\n')
    (row,) = read_register(reg).rows
    assert row.kind == "accord" and row.output == "x, y"
    assert row.overrides == {"signature.lieu": "Melun, Seine-et-Marne"}


def test_excel_register_cells_read_as_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["type", "fichier", "sortie", "signature.exemplaires", "signature.date", "signature.lieu"])
    ws.append(["accord", "accord.yaml", None, 3, dt.datetime(2022, 7, 1), "Melun"])
    ws.append([None, None, None, None, None, None])
    ws.append(["accord", "b.yaml", "b", 2.5, dt.date(2023, 1, 2), None])
    wb.save(tmp_path / "registre.xlsx")
    rows = read_register(tmp_path / "registre.xlsx").rows
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].overrides == {"signature.exemplaires": "3", "signature.date": "2022-07-01",
                                 "signature.lieu": "Melun"}
    assert rows[1].overrides == {"signature.exemplaires": "2.5", "signature.date": "2023-01-02"}


@pytest.mark.parametrize(("content", "expected"), [
    ("type;sortie\naccord;x\n", "colonne(s) obligatoire(s) absente(s) : fichier"),
    ("nom;valeur\na;b\n", "colonne(s) obligatoire(s) absente(s) : type, fichier"),
    ("", "registre vide"),
    ("type;fichier;type\naccord;a.yaml;accord\n", "colonne « type » en double"),
    ("type;fichier;signataire nom\naccord;a.yaml;x\n", "colonne « signataire nom »"),
    ("type;fichier;;\naccord;a.yaml;;oups\n", "la colonne 4 n'a pas de nom"),
    ("type;fichier\naccord;a.yaml;en trop\n", "CSV illisible"),
])
def test_unreadable_register_names_the_file(tmp_path: Path, content: str, expected: str) -> None:
    reg = write(tmp_path / "registre.csv", content)
    with pytest.raises(RegisterError) as err:
        read_register(reg)
    assert str(reg) in str(err.value) and expected in str(err.value)


def test_register_not_utf8_or_not_a_table(tmp_path: Path) -> None:
    reg = write(tmp_path / "registre.csv", "type;fichier\nlettre-résiliation;a.yaml\n", "cp1252")
    with pytest.raises(RegisterError, match="pas en UTF-8.*CSV UTF-8"):
        read_register(reg)
    with pytest.raises(RegisterError, match="format de registre non pris en charge"):
        read_register(write(tmp_path / "registre.ods", "x"))
    with pytest.raises(RegisterError, match="registre introuvable"):
        read_register(tmp_path / "absent.csv")
    with pytest.raises(RegisterError, match="classeur Excel illisible"):
        read_register(write(tmp_path / "faux.xlsx", "pas un classeur"))


def test_unreadable_register_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    reg = write(tmp_path / "registre.csv", "type;sortie\naccord;x\n")
    out = tmp_path / "sortie"
    proc = run_cli("batch", reg, "--out", out, "--quiet")
    assert proc.returncode == 2
    assert str(reg) in proc.stderr and "fichier" in proc.stderr
    assert not out.exists()


def test_override_values_follow_the_yaml_rules() -> None:
    assert parse_override("3") == 3
    assert parse_override("2023-03-01") == "2023-03-01"  # dates stay text: the model parses them
    assert parse_override("Non") == "Non"  # only true/false are booleans
    assert parse_override("true") is True
    assert parse_override("Melun") == "Melun"
    assert parse_override('"227700010"') == "227700010"


def test_unreadable_override_cell_names_the_column(tmp_path: Path) -> None:
    reg = write(tmp_path / "r.csv", "type;fichier;signature.lieu\naccord;a.yaml;[Melun\n")
    (row,) = read_register(reg).rows
    with pytest.raises(ValidationError) as err:
        override_values(row, tmp_path / "a.yaml")
    assert "colonne « signature.lieu » du registre : valeur illisible" in str(err.value)


def test_canonical_path() -> None:
    assert canonical_path("parties.1.representant.nom") == "parties[1].representant.nom"
    assert canonical_path("parties[1].nom") == "parties[1].nom"
    assert canonical_path("signature.lieu") == "signature.lieu"


@pytest.mark.parametrize(("raw", "expected"), [
    ("accord", "accord.docx"),
    ("accord.docx", "accord.docx"),
    ("Accord.DOCX", "Accord.docx"),
    ("../../etc/passwd", "passwd.docx"),
    ("C:\\Users\\x\\convention 1.docx", "convention_1.docx"),
    ("/tmp/.cache", "cache.docx"),
    (".hidden", "hidden.docx"),
    ("Convention n°2 — Évry-Courcouronnes", "Convention_n_2___Évry-Courcouronnes.docx"),
    ("a;b|c*d?e", "a_b_c_d_e.docx"),
    ("é" * 200, "é" * 75 + ".docx"),  # capped at 150 bytes before the extension
])
def test_output_names_stay_in_the_output_folder(raw: str, expected: str) -> None:
    assert safe_output_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "..", "/", "***"])
def test_output_name_with_nothing_usable_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="nom de sortie inutilisable"):
        safe_output_name(raw)


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("signature.exemplaires", "deux", "signature.exemplaires : colonne « signature.exemplaires » du "
                                      "registre : nombre entier attendu"),
    ("signature.lieux", "Melun", "colonne « signature.lieux » du registre : champ inconnu"),
    ("parties.1.siren", '"380129867"', "colonne « parties.1.siren » du registre : SIREN invalide"),
    ("parties[5].nom", "x", "colonne « parties[5].nom » du registre : chemin inconnu dans ce document : "
                            "« parties » n'a que 2 élément(s)"),
    ("titre.x", "x", "colonne « titre.x » du registre : chemin inconnu dans ce document : « titre » est "
                     "une valeur simple"),
    ("parties.nom", "x", "« parties » est une liste : indiquez un rang"),
])
def test_invalid_override_message_names_the_column(column: str, value: str, expected: str) -> None:
    overrides = {column: parse_override(value)}
    with pytest.raises(ValidationError) as err:
        load(EXAMPLE / "accord.yaml", "accord", overrides)
    message = failure_message(err.value, [column])
    assert expected in message
    assert "\n" not in message and str(EXAMPLE / "accord.yaml") in message


def test_problem_not_caused_by_an_override_lists_the_overrides(tmp_path: Path) -> None:
    exc = ValidationError(tmp_path / "a.yaml", [("parties[0].siren", "SIREN invalide")])
    message = failure_message(exc, ["signature.lieu"])
    assert message.endswith("(valeurs remplacées par le registre : signature.lieu)")


def test_one_line() -> None:
    assert one_line("f : paramètres invalides\n  - a : x\n  - b : y") == "f : paramètres invalides — a : x ; b : y"


def test_example_register_lists_every_example_document() -> None:
    """The README's example register covers the example dossier (a document added to the
    dossier must be added to examples/registre.csv)."""
    register = read_register(ROOT / "examples" / "registre.csv")
    listed = {(r.kind, r.path) for r in register.rows}
    expected = {(kind, path.resolve()) for kind, path in dossier_documents(EXAMPLE)}
    assert expected <= listed
    assert register.override_columns, "the example register shows override columns"
    assert any(r.overrides for r in register.rows) and any(r.output for r in register.rows)


def test_override_value_of_another_type_names_the_column(tmp_path: Path) -> None:
    reg = write(tmp_path / "r.csv", "type;fichier;signature.lieu;a\naccord;a.yaml;!!binary aGVsbG8=;[!!binary aGVsbG8=]\n")
    (row,) = read_register(reg).rows
    with pytest.raises(ValidationError) as err:
        override_values(row, tmp_path / "a.yaml")
    assert "signature.lieu" not in str(err.value)  # a plain cell is text, as written
    assert "ligne 2, colonne « a » du registre : ancre, alias ou étiquette YAML" in str(err.value)


@pytest.mark.parametrize(("cell", "value"), [
    ("#3 TITRE", "#3 TITRE"),
    ("TITRE # commentaire", "TITRE # commentaire"),
    ("&ancre TITRE", "&ancre TITRE"),
    ("*alias", "*alias"),
    ("  Melun  ", "Melun"),
    ("007", "007"),
    ("3 # trois", "3 # trois"),
    ("1e3", "1e3"),
    ("2.5", 2.5),
    ("-4", -4),
    ("True", "True"),
    ("false", False),
    ("'true'", "true"),
    ("titre: sous-titre", "titre: sous-titre"),
    ("- tiret", "- tiret"),
    ("&x [a]", "&x [a]"),
    ('"TITRE" # c', '"TITRE" # c'),
    ("ligne 1\nligne 2", "ligne 1\nligne 2"),
    ("[a, b]", ["a", "b"]),
    ("{nom: DURAND}", {"nom": "DURAND"}),
])
def test_override_cells_never_silently_change_text(cell: str, value: object) -> None:
    assert parse_override(cell) == value


@pytest.mark.parametrize("cell", ["[a, b] # c", "{nom: *y}", "[&x a]", "{a: 1}  # c", "[!!str 3]"])
def test_override_cell_that_would_lose_characters_names_row_and_column(tmp_path: Path, cell: str) -> None:
    reg = tmp_path / "r.csv"
    reg.write_text('type;fichier;titre\naccord;a.yaml;"' + cell.replace('"', '""') + '"\n', encoding="utf-8")
    (row,) = read_register(reg).rows
    with pytest.raises(ValidationError) as err:
        override_values(row, tmp_path / "a.yaml")
    assert "ligne 2, colonne « titre » du registre" in str(err.value)


def test_nul_byte_in_fichier_fails_its_row_only(tmp_path: Path) -> None:
    from accordgen.batch.plan import prepare

    reg = tmp_path / "r.csv"
    reg.write_text(f"type;fichier\naccord;a\x00b.yaml\naccord;{EXAMPLE / 'accord.yaml'}\n", encoding="utf-8")
    register = read_register(reg)
    settled, jobs = prepare(register, tmp_path / "out", [])
    assert settled[2].statut == "failed"
    assert "ligne 2 : colonne fichier : caractère nul (U+0000)" in settled[2].message
    assert [j.ligne for j in jobs] == [3]


def test_register_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "registre.csv"
    os.mkfifo(fifo)
    with pytest.raises(RegisterError) as err:
        read_register(fifo)  # would block forever on a FIFO
    assert "ce n'est pas un fichier ordinaire" in str(err.value)


def test_excel_bomb_is_refused_fast(tmp_path: Path) -> None:
    """A small .xlsx whose sheet expands to hundreds of MB of cells: refused in well under a
    second, before openpyxl parses it."""
    import time
    import zipfile

    import openpyxl

    small = tmp_path / "petit.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["type", "fichier"])
    book.save(small)
    bomb = tmp_path / "bombe.xlsx"
    row = "<row>" + "<c><v>1</v></c>" * 10 + "</row>"
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                    fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                    chunk = (row * 1000).encode()
                    for _ in range(1100):
                        fh.write(chunk)
                    fh.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(info, src.read(info))
    assert bomb.stat().st_size < 5_000_000
    start = time.perf_counter()
    with pytest.raises(RegisterError) as err:
        read_register(bomb)
    assert time.perf_counter() - start < 2
    assert "classeur trop volumineux une fois décompressé" in str(err.value)


def test_excel_with_too_many_cells_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    import accordgen.batch.register as register_module

    monkeypatch.setattr(register_module, "MAX_CELLS", 50)
    path = tmp_path / "grand.xlsx"
    book = openpyxl.Workbook()
    for n in range(30):
        book.active.append(["accord", f"a{n}.yaml"])
    book.save(path)
    with pytest.raises(RegisterError) as err:
        read_register(path)
    assert "classeur trop grand (plus de 50 cellules)" in str(err.value)


@pytest.mark.parametrize(("args", "message"), [
    (("--workers", "0"), "--workers : entre 1 et 256 attendu (reçu 0)"),
    (("--workers", "99999"), "--workers : entre 1 et 256 attendu (reçu 99999)"),
    (("--workers", "deux"), "--workers : nombre entier attendu, pas « deux »"),
    (("--group-size", "-1"), "--group-size : entre 1 et 100000 attendu (reçu -1)"),
    (("--group-size", "0"), "--group-size : entre 1 et 100000 attendu (reçu 0)"),
])
def test_batch_counts_out_of_range_are_refused(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    reg = write(tmp_path / "r.csv", f"type;fichier\naccord;{EXAMPLE / 'accord.yaml'}\n")
    out = tmp_path / "out"
    proc = run_cli("batch", reg, "--out", out, "--quiet", *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"workers": 0}, "nombre de workers : entre 1 et 256 attendu (reçu 0)"),
    ({"group_size": -1}, "taille de groupe : entre 1 et 100000 lignes attendu (reçu -1)"),
])
def test_run_batch_counts_out_of_range_are_refused(tmp_path: Path, kwargs: dict[str, int], message: str) -> None:
    from accordgen.batch import run_batch
    from accordgen.errors import AccordgenError

    reg = write(tmp_path / "r.csv", f"type;fichier\naccord;{EXAMPLE / 'accord.yaml'}\n")
    with pytest.raises(AccordgenError) as err:
        run_batch(reg, tmp_path / "out", **kwargs)  # type: ignore[arg-type]
    assert message in str(err.value)
    assert not (tmp_path / "out").exists()
