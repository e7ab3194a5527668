"""argparse in French: usage, help sections and error messages.

argparse's own strings are English and go through ``gettext``; replacing ``argparse._`` would
depend on its internals. Instead :class:`FrenchArgumentParser` translates what a drafter
sees: the ``usage:`` line and help section titles when formatting, a French ``-h`` help,
metavars for the usual argument names, and each error message (matched against argparse's
known English messages) before printing it. An error exits with status 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

# argparse's English error messages (Python 3.11 to 3.13) and their French translation.
_ERRORS: list[tuple[re.Pattern[str], str]] = [(re.compile(english), french) for english, french in (
    (r"^the following arguments are required: (.*)$", r"arguments obligatoires manquants : \1"),
    (r"^argument (.*?): (\1 : .*)$", r"\2"),  # our own type checks already speak French
    (r"^argument (.*?): invalid choice: '?(.*?)'? \(choose from (.*)\)$",
     r"argument \1 : valeur non permise « \2 » (valeurs possibles : \3)"),
    (r"^unrecognized arguments: (.*)$", r"arguments non reconnus : \1"),
    (r"^argument (.*?): invalid int value: '?(.*?)'?$", r"argument \1 : nombre entier attendu, pas « \2 »"),
    (r"^argument (.*?): invalid float value: '?(.*?)'?$", r"argument \1 : nombre attendu, pas « \2 »"),
    (r"^argument (.*?): invalid (.*?) value: '?(.*?)'?$", r"argument \1 : valeur invalide « \3 »"),
    (r"^argument (.*?): expected one argument$", r"argument \1 : une valeur est attendue"),
    (r"^argument (.*?): expected at least one argument$", r"argument \1 : au moins une valeur est attendue"),
    (r"^argument (.*?): expected (.*)$", r"argument \1 : valeur attendue"),
    (r"^argument (.*?): not allowed with argument (.*)$", r"argument \1 : incompatible avec l'argument \2"),
    (r"^argument (.*?): ignored explicit argument '?(.*?)'?$",
     r"argument \1 : ne prend pas de valeur (« \2 » ignoré)"),
    (r"^ambiguous option: (.*?) could match (.*)$", r"option ambiguë : \1 peut désigner \2"),
    (r"^one of the arguments (.*) is required$", r"un des arguments \1 est obligatoire"),
)]

# French placeholders for arguments declared without a metavar.
METAVARS = {
    "file": "FICHIER", "output": "FICHIER", "out": "DOSSIER", "workers": "N",
    "group_size": "N", "scheduler": "ADRESSE", "auteur": "NOM", "date": "DATE",
    "mode": "MODE", "executor": "EXECUTEUR",
}


def translate(message: str) -> str:
    """The French version of one of argparse's error messages (the message itself if unknown)."""
    for pattern, french in _ERRORS:
        match = pattern.match(message)
        if match:
            text = match.expand(french)
            if "valeurs possibles" in text:  # 'a', 'b' -> a, b
                head, _, choices = text.rpartition("(valeurs possibles : ")
                text = head + "(valeurs possibles : " + choices.replace("'", "")
            return text
    return message


def _french(text: str) -> str:
    text = re.sub(r"^usage: ", "utilisation : ", text)
    text = text.replace("\npositional arguments:\n", "\narguments :\n")
    return text.replace("\noptions:\n", "\noptions :\n").replace("\noptional arguments:\n", "\noptions :\n")


class FrenchArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage, help and errors are in French (subparsers too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="afficher cette aide et quitter")

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        if "metavar" not in kwargs and not kwargs.get("choices") and \
                kwargs.get("action") not in ("store_true", "store_false", "help", "version"):
            dest = kwargs.get("dest") or next(
                (a.lstrip("-").replace("-", "_") for a in args if a.startswith("--")),
                args[0].lstrip("-").replace("-", "_") if args else "")
            if dest in METAVARS:
                kwargs["metavar"] = METAVARS[dest]
        return super().add_argument(*args, **kwargs)

    def format_usage(self) -> str:
        return _french(super().format_usage())

    def format_help(self) -> str:
        return _french(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {translate(message)}\n")
