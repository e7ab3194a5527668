"""Reading a batch register: the spreadsheet that lists the documents to generate.

A register is a CSV file (UTF-8, ``;`` or ``,`` separated) or an Excel workbook (.xlsx, first
sheet), read with pandas, one row per document:

- ``type``: the document kind (``accord``, ``convention-specifique``...);
- ``fichier``: the document's YAML, relative to the register's folder (or absolute);
- ``sortie`` (optional): the output file name (``.docx`` added when missing);
- any other column: an override of one parameter of that row's document, named by its
  dotted path (``signature.lieu``, ``parties[1].representant.nom``). An empty cell means
  "no override"; a filled cell is read with the YAML rules of the parameter files.

Every cell is read as text. Row numbers are those a spreadsheet shows (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, RegisterError
from ..yamlio import parse_yaml

REQUIRED = ("type", "fichier")
OUTPUT = "sortie"
RESERVED = (*REQUIRED, OUTPUT)
SEPARATORS = (";", ",", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
MAX_BYTES = 50_000_000
MAX_XML_BYTES = 100_000_000
"""Most bytes of a workbook's XML once decompressed."""
MAX_CELLS = 2_000_000
"""Most cells read from a workbook's sheet (empty ones included)."""

# A parameter path: names joined by dots, list positions as [2] (or .2).
_PATH = re.compile(r"^[A-Za-z_]\w*(?:\[\d+\])*(?:\.(?:[A-Za-z_]\w*|\d+)(?:\[\d+\])*)*$")


@dataclass(frozen=True)
class Row:
    """One row of a register: a document to generate."""

    number: int
    """Row number as a spreadsheet shows it (the header is row 1)."""
    kind: str
    file: str
    """The ``fichier`` cell, as written."""
    path: Path | None
    """``fichier`` resolved against the register's folder; None when the cell is empty."""
    output: str
    """The ``sortie`` cell, as written ('' when absent)."""
    overrides: dict[str, str] = field(default_factory=dict)
    """Override column -> cell text, for the non-empty cells only."""
    problem: str = ""
    """Why the row cannot be generated, found while reading it ('' when none)."""


@dataclass(frozen=True)
class Register:
    path: Path
    columns: list[str]
    override_columns: list[str]
    rows: list[Row]


def canonical_path(column: str) -> str:
    """``parties.1.nom`` -> ``parties[1].nom``: the spelling of field paths in messages."""
    return re.sub(r"\.(\d+)(?=\.|\[|$)", r"[\1]", column)


class CellError(ValueError):
    """An override cell that YAML would change (French message)."""


def _quoted(text: str) -> bool:
    return len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]


def _check_lossless(text: str) -> None:
    """CellError when reading ``text`` as YAML would drop characters: a comment, or an
    anchor, alias or tag (``&``, ``*``, ``!``)."""
    import yaml

    covered = bytearray(len(text))
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)):
                raise CellError("ancre, alias ou étiquette YAML (&, *, !) : ils seraient perdus ; "
                                "mettez la valeur entre guillemets")
            covered[token.start_mark.index:token.end_mark.index] = b"\1" * (
                token.end_mark.index - token.start_mark.index)
    except yaml.YAMLError:
        return  # parse_yaml has already said what is wrong
    lost = "".join(ch for ch, seen in zip(text, covered, strict=True) if not seen and not ch.isspace())
    if lost:
        raise CellError(f"« {lost[:40]} » serait perdu (commentaire YAML) : mettez la valeur "
                        "entre guillemets")


def parse_override(text: str) -> Any:
    """The value of an override cell. A cell is taken *as written* (spaces around it
    removed), except:

    - a number or ``true``/``false`` written plainly (``3``, ``2.5``): that value;
    - a text in quotes (``"007"``, ``'true'``): the text inside (YAML's quoting rules);
    - a list ``[a, b]`` or fields ``{nom: DURAND}``: read as YAML (flow style).

    So ``#3 TITRE``, ``TITRE # commentaire`` or ``&ancre TITRE`` stay as written, and so does
    ``007``. Raises InputError (French) when a quoted text, list or fields cell is not
    readable YAML, CellError when YAML would drop characters of it (comment, anchor, tag)."""
    stripped = text.strip()
    plain = not _quoted(stripped) and stripped[:1] not in ("[", "{")
    if plain:
        try:
            value = parse_yaml(stripped, "cellule")
        except InputError:
            return stripped
        if isinstance(value, bool):
            return value if stripped in ("true", "false") else stripped
        if isinstance(value, int | float) and str(value) == stripped:
            return value
        return stripped
    value = parse_yaml(stripped, "cellule")
    _check_lossless(stripped)
    return value


def _cell_text(value: Any) -> str:
    """An Excel cell as the text a drafter sees (dates as AAAA-MM-JJ, 3 not 3.0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return _cell_text(value.to_pydatetime())
    return str(value)


def _read_bytes(path: Path) -> bytes:
    """The register's bytes: a regular file only (not a FIFO, a device, a folder), at most
    MAX_BYTES actually read (whatever ``st_size`` says)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise RegisterError(f"{path} : registre introuvable") from None
    except OSError as exc:
        raise RegisterError(f"{path} : lecture impossible ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise RegisterError(f"{path} : c'est un dossier, pas un registre (.csv ou .xlsx)")
        if not stat.S_ISREG(mode):
            raise RegisterError(f"{path} : ce n'est pas un fichier ordinaire (tube, périphérique...)")
        try:
            raw = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise RegisterError(f"{path} : lecture impossible ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise RegisterError(f"{path} : registre trop volumineux (plus de {MAX_BYTES} octets)")
    return raw


def _read_text(path: Path) -> str:
    raw = _read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterError(
            f"{path} : le registre n'est pas en UTF-8 (octet invalide à la position {exc.start}) ; "
            "dans le tableur, enregistrez-le au format « CSV UTF-8 »"
        ) from None


def _separator(text: str) -> str:
    """The separator that makes the header hold the required columns, else the one that
    splits it most (the missing columns are then reported by name)."""
    header = text.lstrip("\n").split("\n", 1)[0]
    best, best_count = SEPARATORS[0], 1
    for sep in SEPARATORS:
        cells = next(csv.reader([header], delimiter=sep), [])
        names = {c.strip().lower() for c in cells}
        if all(name in names for name in REQUIRED):
            return sep
        if len(cells) > best_count:
            best, best_count = sep, len(cells)
    return best


def _read_csv(path: Path) -> list[list[str]]:
    import io

    import pandas as pd

    text = _read_text(path)
    if not text.strip():
        raise RegisterError(f"{path} : registre vide")
    sep = _separator(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
            na_filter=False, skip_blank_lines=False,
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise RegisterError(f"{path} : CSV illisible ({exc})") from None
    return [[c if isinstance(c, str) else "" for c in row] for row in frame.itertuples(index=False, name=None)]


def _check_workbook(path: Path, raw: bytes) -> None:
    """Refuse a workbook whose XML would expand beyond MAX_XML_BYTES (a small zip can hold
    gigabytes of cells) before openpyxl reads any of it."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            total = sum(info.file_size for info in zf.infolist() if info.filename.startswith("xl/"))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise RegisterError(f"{path} : classeur Excel illisible (pas une archive .xlsx : {exc})") from None
    if total > MAX_XML_BYTES:
        raise RegisterError(f"{path} : classeur trop volumineux une fois décompressé (plus de "
                            f"{MAX_XML_BYTES // 1_000_000} Mo de données) : enregistrez le registre "
                            "en CSV ou réduisez-le")


def _read_excel(path: Path) -> list[list[str]]:
    import io

    import openpyxl

    raw = _read_bytes(path)
    _check_workbook(path, raw)
    table: list[list[str]] = []
    cells = 0
    try:
        with warnings.catch_warnings():
            # openpyxl warns about data validation, styles... that do not matter here
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                for values in sheet.iter_rows(values_only=True):
                    cells += len(values)
                    if cells > MAX_CELLS:
                        raise RegisterError(f"{path} : classeur trop grand (plus de {MAX_CELLS} cellules) : "
                                            "enregistrez le registre en CSV ou réduisez-le")
                    table.append([_cell_text(c) for c in values])
            finally:
                book.close()
    except RegisterError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise RegisterError(f"{path} : classeur Excel illisible ({type(exc).__name__} : {exc})") from None
    while table and not any(c.strip() for c in table[-1]):
        table.pop()  # trailing blank rows
    return table


def read_table(path: Path | str) -> list[list[str]]:
    """The register's cells as text, header first, one list per spreadsheet row."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    raise RegisterError(
        f"{path} : format de registre non pris en charge (« {path.suffix} ») : "
        "enregistrez-le en .csv (UTF-8) ou en .xlsx"
    )


def _columns(path: Path, header: list[str], table: list[list[str]]) -> list[str]:
    columns = [c.strip() for c in header]
    seen: dict[str, int] = {}
    for i, name in enumerate(columns):
        key = name.lower() if name.lower() in RESERVED else name
        if not name:
            if any(i < len(r) and r[i].strip() for r in table[1:]):
                raise RegisterError(f"{path} : la colonne {i + 1} n'a pas de nom mais contient des valeurs")
            continue
        if key in seen:
            raise RegisterError(f"{path} : colonne « {name} » en double (colonnes {seen[key] + 1} et {i + 1})")
        seen[key] = i
        if key not in RESERVED and not _PATH.match(name):
            raise RegisterError(
                f"{path} : colonne « {name} » : ni type, fichier, sortie, ni un chemin de paramètre "
                "(exemples : signature.lieu, parties[1].representant.nom)"
            )
    missing = [name for name in REQUIRED if name not in seen]
    if missing:
        raise RegisterError(
            f"{path} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} (la première ligne "
            f"nomme les colonnes, séparées par « ; » ou « , » ; trouvé : {', '.join(columns)[:200]})")
    return columns


def read_register(path: Path | str) -> Register:
    """Read and check a register; raise RegisterError (French, naming the file) when the file
    cannot be read or lacks a required column. Row-level problems (unknown kind, missing YAML,
    invalid value) are not checked here: they are failures of their row only."""
    path = Path(path).resolve()
    table = read_table(path)
    if not table:
        raise RegisterError(f"{path} : registre vide")
    columns = _columns(path, table[0], table)
    index = {name.lower() if name.lower() in RESERVED else name: i
             for i, name in enumerate(columns) if name}
    overrides = [name for name in columns if name and name.lower() not in RESERVED]
    rows: list[Row] = []
    for number, cells in enumerate(table[1:], start=2):
        def cell(name: str, cells: list[str] = cells) -> str:
            i = index.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        if not any(c.strip() for c in cells):
            continue  # blank row
        file = cell("fichier")
        problem, resolved = "", None
        if "\x00" in file:
            problem = "colonne fichier : caractère nul (U+0000) dans le nom du fichier"
        elif file:
            try:
                resolved = (path.parent / file).resolve()
            except (OSError, RuntimeError, ValueError) as exc:
                problem = f"colonne fichier : chemin inutilisable ({getattr(exc, 'strerror', None) or exc})"
        rows.append(Row(
            number=number,
            kind=cell("type"),
            file=file.replace("\x00", "\\0"),
            path=resolved,
            problem=problem,
            output=cell(OUTPUT),
            overrides={name: cells[index[name]] for name in overrides
                       if index[name] < len(cells) and cells[index[name]].strip()},
        ))
    return Register(path, columns, overrides, rows)


def _plain(value: Any) -> bool:
    """True for what YAML files hold and notebooks receive as JSON (no !!set, !!binary...)."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def override_values(row: Row, yaml_file: Path | str) -> dict[str, Any]:
    """The row's overrides as parameter values; a cell that is not readable YAML is a
    ValidationError naming the column."""
    from ..errors import ValidationError

    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for column, text in row.overrides.items():
        where = f"ligne {row.number}, colonne « {column} » du registre"
        try:
            values[column] = parse_override(text)
        except InputError as exc:
            problems.append((column, f"{where} : valeur illisible ({exc.message})"))
            continue
        except CellError as exc:
            problems.append((column, f"{where} : {exc}"))
            continue
        if not _plain(values[column]):
            problems.append((column, f"{where} : valeur non prise en charge "
                                     "(texte, nombre, date, true/false, liste ou champs attendus)"))
    if problems:
        raise ValidationError(yaml_file, problems)
    return values
