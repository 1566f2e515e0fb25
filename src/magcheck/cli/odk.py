"""magcheck questionnaires xlsform and import --from-odk: the instrument on ODK/Kobo phones."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..text import shown
from .common import load_questionnaires, open_store


def cmd_xlsform(args: argparse.Namespace) -> int:
    from ..core.questionnaires import get
    from ..exports.xlsform import form_id, form_version, write_xlsform
    from ..paths import data_dir, store_path

    q = get(load_questionnaires(args), args.id)
    store_file = store_path(data_dir(getattr(args, "data_dir", None)))
    out = write_xlsform(q, Path(args.out), protect=[store_file])
    print(
        f"Wrote {shown(out)} (form_id {shown(form_id(q))}, version {shown(form_version(q))}, "
        f"{len(q.items)} items, languages {shown(', '.join(q.languages))})"
    )
    return 0


def cmd_import_odk(args: argparse.Namespace) -> int:
    from ..core.questionnaires import get
    from ..errors import InputError
    from ..exports.odk_import import import_odk

    if args.files:
        raise InputError("import: give either bundle files or --from-odk CSV, not both")
    if not args.questionnaire:
        raise InputError(
            "import --from-odk needs --questionnaire ID: the questionnaire the form was made from"
        )
    q = get(load_questionnaires(args), args.questionnaire)
    with open_store(args, writes=True) as store:
        result = import_odk(store, Path(args.from_odk), q, int(args.max_size * 1024 * 1024))
    for line in result.conflicts:
        print(f"{shown(result.path)}: conflict: {shown(line)}")
    print(shown(result.line()))
    return 1 if result.conflicts else 0
