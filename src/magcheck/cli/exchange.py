"""magcheck export, import and aggregate: data for evaluators, in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..text import json_shown, shown, shown_lines
from .common import add_command, console, open_store
from .keys import add_identity_options


def cmd_export(args: argparse.Namespace) -> int:
    from ..exports import default_path, export
    from ..paths import data_dir

    with open_store(args) as store:
        out = (
            Path(args.out)
            if args.out
            else default_path(
                data_dir(getattr(args, "data_dir", None)),
                args.format,
                bool(args.encrypt_to or args.encrypt),
            )
        )
        written = export(
            store,
            args.format,
            out,
            args.group,
            args.since,
            args.pseudonymize,
            args.encrypt_to or (),
            args.encrypt,
            args.unencrypted,
            args.lang,
        )
    for path in written:
        print(f"Wrote {shown(path)}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..exports.importing import import_files
    from .progress import file_progress

    if args.from_odk:
        from .odk import cmd_import_odk

        return cmd_import_odk(args)
    if not args.files:
        from ..errors import InputError

        raise InputError("import: give bundle files, or --from-odk CSV --questionnaire ID")
    paths = [Path(p) for p in args.files]
    read = _reader(args)
    with open_store(args, writes=True) as store, file_progress(len(paths), "importing") as progress:
        summary = import_files(store, paths, int(args.max_size * 1024 * 1024), progress, read)
    for f in summary.files:
        where = shown(f.path)
        if f.rejected:
            print(f"{where}: rejected: {shown(f.rejected)}")
            continue
        print(f"{where}: {f.imported} session(s) imported, {f.skipped} skipped")
        for line in f.conflicts:
            print(f"{where}: conflict: {shown(line)}")
        for line in f.notes:
            print(f"{where}: note: {shown(line)}")
    print(summary.line())
    return 1 if summary.rejected or summary.conflicts else 0


def _reader(args: argparse.Namespace) -> Any:
    """read_bundle, or with --identity one that opens .age files too (keys loaded once)."""
    from ..exports.reading import read_bundle

    if not args.identity:
        return read_bundle
    from ..exports.reading import bundle_reader
    from .keys import identities_from

    return bundle_reader(identities_from(args))


def cmd_aggregate(args: argparse.Namespace) -> int:
    from ..aggregate.sources import aggregate_files, aggregate_store
    from ..core.checkscore import PRIVACY_FLOOR
    from ..errors import InputError
    from ..outputs import atomic_output, check_target, write_text
    from ..paths import data_dir, store_path

    store_file = store_path(data_dir(getattr(args, "data_dir", None)))
    floor = args.privacy_floor
    if floor is not None and floor < PRIVACY_FLOOR:
        raise InputError(
            f"--privacy-floor {floor} is below {PRIVACY_FLOOR}; it can be raised, never lowered"
        )
    if args.out:
        check_target(Path(args.out), protect=[store_file])  # before the work, not after it
    folders = [p for p in args.files if Path(p).is_dir()]
    if folders and len(args.files) > 1:
        raise InputError(
            f"{folders[0]}: a dataset folder is aggregated on its own; give one folder, "
            "or bundle files"
        )
    if folders:
        from ..aggregate.dataset import aggregate_dataset

        sources = [folders[0]]
        result = aggregate_dataset(Path(folders[0]), args.by, floor)
    elif args.files:
        sources = list(args.files)
        result = aggregate_files(
            [Path(p) for p in args.files],
            args.by,
            int(args.max_size * 1024 * 1024),
            _reader(args),
            floor,
        )
    else:
        with open_store(args) as store:
            sources = [str(store.path)]
            result = aggregate_store(store, args.by, floor)
    if args.format == "table":
        from rich.console import Console

        from ..aggregate.render_text import to_rich

        if not args.out:
            con = console()
            width = min(con.width, 100) if con.is_terminal else 100
            Console(highlight=False, markup=False, width=width).print(to_rich(result))
            return 0
        text_console = Console(
            record=True, width=100, markup=False, file=__import__("io").StringIO()
        )
        text_console.print(to_rich(result))
        text = text_console.export_text()
    elif args.format == "csv":
        from ..aggregate.render_text import to_csv

        text = to_csv(result)
    elif args.format == "json":
        from ..aggregate.render_json import to_json, write_json

        if args.out:  # streamed: the text of a national programme is hundreds of megabytes
            with atomic_output(Path(args.out), protect=[store_file]) as fh:
                write_json(result, fh)
            print(f"Wrote {shown(args.out)}", file=sys.stderr)
            return 0
        text = to_json(result) + "\n"
    else:
        from ..aggregate.render_html import to_html

        text = to_html(result, sources)
    if not args.out:
        # A terminal sees data, never control sequences: JSON keeps every value (as \u escapes).
        sys.stdout.write(json_shown(text) if args.format == "json" else shown_lines(text))
        return 0
    encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
    write_text(Path(args.out), text, protect=[store_file], encoding=encoding)
    print(f"Wrote {shown(args.out)}", file=sys.stderr)
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "export",
        cmd_export,
        "export sessions for an evaluator: bundle (JSON), csv (two tables), fhir (R4), "
        "parquet (a dataset folder), sav (SPSS) or dta (Stata); each can be encrypted to the "
        "evaluator's public key",
        "magcheck export --format bundle --out tuesday.json --pseudonymize --encrypt-to national",
        common,
    )
    p.add_argument(
        "--format", choices=["bundle", "csv", "fhir", "parquet", "sav", "dta"], default="bundle"
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="file to write (csv: NAME.csv writes NAME-answers.csv and NAME-scores.csv; "
        "parquet: a new or empty folder; sav/dta: NAME.sav writes NAME-<questionnaire>-v<N>.sav "
        "per version; csv, parquet, sav, dta add a datapackage.json codebook); "
        "default: the exports folder in the data folder",
    )
    p.add_argument(
        "--lang",
        choices=["en", "es", "pt"],
        default="en",
        help="language of value labels and item texts in codebooks, SPSS and Stata files (en)",
    )
    p.add_argument("--group", help="only this group (name or id)")
    p.add_argument("--since", metavar="DATE", help="only sessions on or after this date")
    p.add_argument(
        "--pseudonymize",
        action="store_true",
        help="replace group names and respondent codes with stable salted codes",
    )
    p.add_argument(
        "--encrypt-to",
        action="append",
        metavar="KEY",
        help="encrypt (age, NAME.age) to this public key: an age1… key, a .pub file or a "
        "stored recipient's name; repeat it for a backup key",
    )
    p.add_argument(
        "--encrypt", action="store_true", help="encrypt to every stored recipient (keys list)"
    )
    p.add_argument(
        "--unencrypted",
        action="store_true",
        help="write in clear although this device requires encryption (config require-encryption)",
    )

    p = add_command(
        sub,
        "import",
        cmd_import,
        "import bundles from other devices, or the submissions CSV of an ODK Central or "
        "KoboToolbox form made with 'questionnaires xlsform'; what is already here is skipped, "
        "never overwritten",
        "magcheck import exports/*.json.age --identity evaluator.key\n"
        "  magcheck import --from-odk submissions.csv --questionnaire member",
        common,
    )
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument(
        "--from-odk",
        metavar="CSV",
        help="a submissions CSV exported from ODK Central or KoboToolbox (see docs/odk.md)",
    )
    p.add_argument(
        "--questionnaire",
        metavar="ID",
        help="with --from-odk: the questionnaire the form was made from",
    )
    add_identity_options(p)
    p.add_argument(
        "--max-size", type=float, default=256, metavar="MB", help="largest file accepted (256)"
    )

    p = add_command(
        sub,
        "aggregate",
        cmd_aggregate,
        "statistics across groups from bundles, a Parquet dataset folder or the local store: "
        "means, CIs, bands, facilitator-member comparisons, trends",
        "magcheck aggregate exports/*.json --by region --format html --out report.html",
        common,
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="bundles, or one Parquet dataset folder (default: the local store)",
    )
    add_identity_options(p)
    p.add_argument("--by", choices=["group", "questionnaire", "month", "region", "focus"])
    p.add_argument("--format", choices=["table", "csv", "json", "html"], default="table")
    p.add_argument("--out", metavar="PATH", help="write here instead of printing")
    p.add_argument(
        "--max-size", type=float, default=256, metavar="MB", help="largest file accepted (256)"
    )
    p.add_argument(
        "--privacy-floor",
        type=int,
        metavar="N",
        help="member results only from N people up (at least 3; from a store, the store's "
        "setting when higher)",
    )
