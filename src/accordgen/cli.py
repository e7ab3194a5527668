"""Command line: a thin layer over the package's functions.

Exit status: 0 success, 1 a batch with failed rows, 2 invalid input (French message on
stderr naming the file and the field), 3 an unexpected internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import AccordgenError, OutputError
from .frparser import FrenchArgumentParser
from .kinds import DOCUMENT_KINDS

EXIT_OK, EXIT_FAILED_ROWS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _cmd_render(args: argparse.Namespace) -> int:
    from .dossier import load
    from .render import render

    doc = load(args.file, args.kind)
    out = Path(args.output) if args.output else Path("outputs") / f"{doc.output_stem}.docx"
    check_docx_output(out, [Path(args.file), Path(doc.path)])
    if args.pdfa:
        args.pdf = True
    if args.pdf:
        from .tools.pdf import require_soffice

        require_soffice()  # before writing anything
    render(doc, out)
    print(f"{out} écrit ({doc.kind.label})")
    if args.pdf:
        from .errors import PdfError
        from .tools.pdf import convert

        try:
            (pdf,) = convert(out, pdfa=args.pdfa)
        except PdfError as exc:
            raise PdfError(f"le DOCX a été écrit, mais pas le PDF : {exc.message}", out) from None
        print(f"{pdf} écrit ({'PDF/A-2b' if args.pdfa else 'PDF'})")
    for line in doc.warnings():
        print(f"Attention : {line}", file=sys.stderr)
    return EXIT_OK


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_docx_output(out: Path, inputs: Sequence[Path]) -> None:
    """Refuse an output path that could destroy a drafter's file: not ending in ``.docx``,
    one of the inputs (or a hard or symbolic link to one), a link, or an existing file that
    is not a DOCX (a previous output is a zip: ``PK``)."""
    with contextlib.suppress(OSError):  # a name the system refuses: the write says why, in French
        _check_docx_output(out, inputs)


def _check_docx_output(out: Path, inputs: Sequence[Path]) -> None:
    if out.is_dir():
        raise OutputError(out, "c'est un dossier : indiquez un nom de fichier (.docx)")
    if out.suffix.lower() != ".docx":
        raise OutputError(out, "le fichier de sortie doit avoir l'extension .docx")
    if any(_same_file(out, source) for source in inputs):
        raise OutputError(out, "le fichier de sortie est aussi un des fichiers lus : "
                               "il ne sera pas remplacé, choisissez un autre nom")
    if out.is_symlink():
        raise OutputError(out, "le fichier de sortie est un lien symbolique : il ne sera pas "
                               "remplacé, choisissez un autre nom")
    if out.exists():
        head = b""
        if out.is_file():  # never open a FIFO or a device
            try:
                with open(out, "rb") as fh:
                    head = fh.read(4)
            except OSError:
                pass
        if head != b"PK\x03\x04":
            raise OutputError(out, "un fichier qui n'est pas un document Word (.docx) porte déjà ce "
                                   "nom : il ne sera pas remplacé, choisissez un autre nom")


def _cmd_check(args: argparse.Namespace) -> int:
    from .dossier import load

    doc = load(args.file, args.kind)
    print(f"{args.file} : {doc.kind.label} valide")
    for label, value in doc.summary():
        print(f"  {label} : {value}")
    for line in doc.warnings():
        print(f"  Attention : {line}")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from .tools.reference import json_schema

    print(json_schema(args.kind))
    return EXIT_OK


def _cmd_reference(args: argparse.Namespace) -> int:
    from .render.output import write_atomic
    from .tools.reference import markdown

    text = markdown()
    if args.output:
        write_atomic(Path(args.output), text.encode("utf-8"))
        print(f"{args.output} écrit")
    else:
        print(text)
    return EXIT_OK


def _cmd_kinds(args: argparse.Namespace) -> int:
    for kind in DOCUMENT_KINDS.values():
        print(f"{kind.name:26} {kind.label}  (templates/{kind.template}, notebooks/{kind.notebook})")
    return EXIT_OK


def _cmd_clauses(args: argparse.Namespace) -> int:
    from .library import load_library

    lib = load_library()
    rows = [{"theme": v.topic, "variante": v.name, "titre": v.sidecar.titre,
             "description": v.sidecar.description, "fichier": str(v.docx),
             "parametres": [p.model_dump(mode="json") for p in v.sidecar.parametres],
             "defaut_pour": [d.type for d in v.sidecar.defaut_pour]} for v in lib]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    topic = None
    for row in rows:
        if row["theme"] != topic:
            topic = row["theme"]
            print(f"{topic} :")
        defaut = " (par défaut : " + ", ".join(row["defaut_pour"]) + ")" if row["defaut_pour"] else ""
        print(f"  {row['variante']} – {row['titre']}{defaut}")
        print(textwrap.fill(row["description"], width=96, initial_indent="      ", subsequent_indent="      "))
        for p in row["parametres"]:
            requis = "obligatoire" if p["requis"] else "facultatif"
            valeurs = f" ; valeurs : {', '.join(p['valeurs'])}" if p.get("valeurs") else ""
            print(f"      · {p['nom']} ({p['type']}, {requis}) : {p['libelle']}{valeurs}")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(Path(args.dossier), Path(args.out) if args.out else None)


def _cmd_lint(args: argparse.Namespace) -> int:
    from .kinds import get_kind
    from .render.filters import read_filters
    from .resources import current_workspace
    from .tools.lint import clause_files, lint

    filters = read_filters(current_workspace())[0]  # the workspace's filtres.yaml, if any
    findings = lint(args.templates or None, get_kind(args.kind) if args.kind else None, filters=filters)
    for finding in findings:
        print(finding)
    count = f"{len(args.templates) if args.templates else len(DOCUMENT_KINDS)} modèle(s)"
    if not args.templates:
        count += f" et {len(clause_files())} fichier(s) de clause"
    if findings:
        print(f"{len(findings)} problème(s) dans {count}", file=sys.stderr)
        return EXIT_INPUT
    print(f"{count} vérifié(s) : aucun problème")
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    from .batch.run import run_batch

    result = run_batch(
        args.registre, args.out, mode=args.mode, workers=args.workers, executor=args.executor,
        scheduler=args.scheduler, force=args.force, group_size=args.group_size,
        progress=False if args.quiet else None, pdf=args.pdf or args.pdfa, pdfa=args.pdfa,
    )
    for entry in result.failed:
        print(f"échec ligne {entry.ligne} ({entry.type or '?'}, {entry.fichier or '?'}) : {entry.message}",
              file=sys.stderr)
    print(result.summary())
    return EXIT_FAILED_ROWS if result.failed else EXIT_OK


def _batch_count(what: str, maximum: int) -> Callable[[str], int]:
    """An argparse type for ``batch``: a whole number from 1 to ``maximum`` (French message)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} : nombre entier attendu, pas « {text} »") from None
        if not 1 <= value <= maximum:
            raise argparse.ArgumentTypeError(f"{what} : entre 1 et {maximum} attendu (reçu {value})")
        return value
    return parse


def _cmd_text(args: argparse.Namespace) -> int:
    from .tools.text import header_footer_text, paragraphs

    for line in paragraphs(args.file, styles=True):
        print(line)
    for line in header_footer_text(args.file):
        print(f"[en-tête/pied] {line}")
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from .tools.redline import compare_files, parse_date

    date = parse_date(args.date) if args.date else None
    check_docx_output(Path(args.output), [Path(args.old), Path(args.new)])
    resume = compare_files(args.old, args.new, args.output, auteur=args.auteur, date=date)
    print(resume)
    print(f"{args.output} écrit (modifications suivies de {args.old} à {args.new})")
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    from .workspace import README_NAME, init_workspace

    result = init_workspace(args.dir)
    if not result.created:
        print(f"{result.path} est déjà un espace de travail accordgen : rien n'a été modifié")
        return EXIT_OK
    print(f"espace de travail créé : {result.path}")
    print("  dossiers/   le dossier d'exemple et un registre (dossiers/registre.csv)")
    print("  templates/  les modèles Word, à adapter (ils remplacent ceux du logiciel)")
    print("  notebooks/  les notebooks guidés (jupyter lab)")
    print(f"Lisez {README_NAME}, puis depuis ce dossier : accordgen render accord "
          "dossiers/seine-et-marne-orange-2022/accord.yaml")
    return EXIT_OK


def _cmd_app(args: argparse.Namespace) -> int:
    from .app.server import serve

    return serve(args.workspace, host=args.host, port=args.port, token=args.token,
                 open_browser=not args.no_browser)


def _enter_workspace(args: argparse.Namespace) -> None:
    """Name the workspace in this process's environment (``--espace``, else the one holding
    the command's input file, else the current folder's), so that the notebooks' kernels and
    the batch workers this command starts use the same templates and notebooks."""
    from .resources import ENV_WORKSPACE, WorkspaceError, current_workspace, is_workspace

    if args.command == "init":
        return
    if args.espace:
        folder = Path(args.espace).expanduser().resolve()
        if not is_workspace(folder):
            raise WorkspaceError(f"{folder} : ce n'est pas un espace de travail accordgen "
                                 "(option --espace) ; créez-le avec « accordgen init DOSSIER »")
        os.environ[ENV_WORKSPACE] = str(folder)
        return
    start = next((getattr(args, name) for name in ("file", "dossier", "registre")
                  if getattr(args, name, None)), None)
    workspace = current_workspace(start)
    if workspace is not None:
        os.environ[ENV_WORKSPACE] = str(workspace)


def build_parser() -> argparse.ArgumentParser:
    kinds = sorted(DOCUMENT_KINDS)
    parser = FrenchArgumentParser(
        prog="accordgen",
        description="Génère les documents d'un accord de coopération à partir de paramètres YAML.",
    )
    parser.add_argument("--version", action="version", version=f"accordgen {__version__}",
                        help="afficher la version et quitter")
    parser.add_argument("--espace", metavar="DOSSIER",
                        help="espace de travail à utiliser (défaut : celui qui contient le fichier "
                             "traité, ou le dossier courant ; voir accordgen init)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    p = sub.add_parser("render", help="valider puis générer un document (DOCX)")
    p.add_argument("kind", choices=kinds, metavar="TYPE", help=f"type de document : {', '.join(kinds)}")
    p.add_argument("file", help="fichier YAML du document")
    p.add_argument("-o", "--output", help="fichier DOCX à écrire (défaut : outputs/<nom>.docx)")
    p.add_argument("--pdf", action="store_true",
                   help="écrire aussi le PDF à côté du DOCX (même nom, .pdf), avec LibreOffice")
    p.add_argument("--pdfa", action="store_true",
                   help="le PDF au format d'archivage PDF/A-2b (polices incorporées) ; implique --pdf")
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("check", help="valider un document sans rien écrire")
    p.add_argument("kind", choices=kinds, metavar="TYPE")
    p.add_argument("file")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("schema", help="schéma JSON des paramètres d'un type (pour les éditeurs YAML)")
    p.add_argument("kind", choices=kinds, metavar="TYPE")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("reference", help="référence des paramètres (Markdown)")
    p.add_argument("-o", "--output", help="fichier à écrire (défaut : sortie standard)")
    p.set_defaults(func=_cmd_reference)

    p = sub.add_parser("kinds", help="lister les types de documents")
    p.set_defaults(func=_cmd_kinds)

    p = sub.add_parser("clauses", help="lister la bibliothèque de clauses (thèmes, variantes, paramètres)")
    p.add_argument("--json", action="store_true", help="au format JSON")
    p.set_defaults(func=_cmd_clauses)

    p = sub.add_parser("demo", help="générer tout un dossier par les notebooks (papermill)")
    p.add_argument("dossier", help="dossier contenant accord.yaml")
    p.add_argument("--out", help="dossier de sortie (défaut : outputs/<dossier>/ de l'espace, "
                   "comme l'application et les notebooks)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("batch", help="générer les documents d'un registre (CSV ou Excel), en parallèle")
    p.add_argument("registre", help="registre .csv ou .xlsx : colonnes type, fichier, sortie, remplacements")
    p.add_argument("--out", help="dossier de sortie (documents, manifeste.csv ; défaut : outputs/ de "
                   "l'espace, chaque document dans outputs/<dossier>/ comme l'application)")
    p.add_argument("--mode", choices=["document", "groupe"], default="document",
                   help="document : un notebook exécuté par document (défaut) ; "
                        "groupe : beaucoup de documents par notebook, plus rapide")
    from .batch.run import MAX_GROUP_SIZE, MAX_WORKERS

    p.add_argument("--workers", type=_batch_count("--workers", MAX_WORKERS),
                   help="exécutions en parallèle (défaut : nombre de processeurs)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="local (processus de cette machine, défaut) ou dask (Dask distributed)")
    p.add_argument("--scheduler", help="adresse d'un ordonnanceur Dask existant (avec --executor dask)")
    p.add_argument("--group-size", type=_batch_count("--group-size", MAX_GROUP_SIZE), help="mode groupe : nombre de lignes par notebook "
                   "(défaut : les lignes réparties en autant de groupes que de workers)")
    p.add_argument("--force", action="store_true", help="refaire aussi les documents inchangés")
    p.add_argument("--pdf", action="store_true",
                   help="écrire aussi le PDF de chaque DOCX (même nom, .pdf), avec LibreOffice")
    p.add_argument("--pdfa", action="store_true",
                   help="les PDF au format d'archivage PDF/A-2b (polices incorporées) ; implique --pdf")
    p.add_argument("--quiet", action="store_true", help="pas de barre de progression")
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser("text", help="texte d'un DOCX, un paragraphe par ligne (pilote de diff git)")
    p.add_argument("file")
    p.set_defaults(func=_cmd_text)

    p = sub.add_parser("compare", help="comparer deux DOCX : le nouveau, avec les différences "
                       "en modifications suivies (révisions Word)")
    p.add_argument("old", metavar="ANCIEN", help="document de référence (.docx)")
    p.add_argument("new", metavar="NOUVEAU", help="document modifié (.docx), base du résultat")
    p.add_argument("-o", "--output", required=True, help="fichier DOCX à écrire (comparaison)")
    p.add_argument("--auteur", default="accordgen", help="auteur des révisions (défaut : accordgen)")
    p.add_argument("--date", help="date des révisions, AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SS "
                   "(défaut : maintenant, UTC) : même date, même fichier")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("lint", help="vérifier les modèles Word (balises, variables, tableaux)")
    p.add_argument("templates", nargs="*", metavar="MODELE",
                   help="fichiers .docx à vérifier (défaut : les modèles de tous les types)")
    p.add_argument("--type", dest="kind", choices=kinds, metavar="TYPE",
                   help="type de document des modèles donnés (défaut : d'après le nom du fichier)")
    p.set_defaults(func=_cmd_lint)

    p = sub.add_parser("init", help="créer un espace de travail (dossiers, modèles, notebooks)")
    p.add_argument("dir", metavar="DOSSIER", help="dossier à créer (nouveau ou vide)")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("app", help="ouvrir l'application des rédacteurs dans le navigateur (Voilà)")
    p.add_argument("workspace", nargs="?", metavar="ESPACE",
                   help="espace de travail (défaut : celui du dossier courant)")
    p.add_argument("--host", default="127.0.0.1",
                   help="adresse d'écoute (défaut : 127.0.0.1, ce poste seulement ; une autre adresse "
                        "exige --token)")
    p.add_argument("--port", type=int, default=0, help="port (défaut : un port libre)")
    p.add_argument("--token", default=None, help="jeton d'accès exigé dans l'adresse (?token=...)")
    p.add_argument("--no-browser", action="store_true", help="ne pas ouvrir le navigateur")
    p.set_defaults(func=_cmd_app)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a stray surrogate in a message must not crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(os.environ.get("ACCORDGEN_DEBUG"))
    try:
        _enter_workspace(args)
        return int(args.func(args))
    except AccordgenError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrompu", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback in front of a drafter
        if debug:
            raise
        print(
            f"erreur interne inattendue ({type(exc).__name__} : {exc}). "
            "Merci de la signaler avec le fichier utilisé.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
