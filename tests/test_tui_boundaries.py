"""What the app must not pull in, and the app's texts in every language."""

from __future__ import annotations

import json
import string
import subprocess
import sys

from magcheck.core.model import LANGUAGES
from magcheck.paths import package_data


def test_cli_version_and_core_never_import_textual() -> None:
    code = (
        "import sys, magcheck.cli, magcheck.report.build, magcheck.report.render, magcheck.report.files, "
        "magcheck.tui.flow\n"
        "try:\n    magcheck.cli.main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_every_app_text_exists_in_english_spanish_and_portuguese_with_the_same_placeholders() -> (
    None
):
    catalog = json.loads(package_data("ui.json").read_text(encoding="utf-8"))
    app_keys = [k for k in catalog if k.startswith("tui.")]
    assert app_keys
    for key in app_keys:
        texts = catalog[key]
        assert set(texts) == set(LANGUAGES), key
        fields = {
            lang: {f for _, f, _, _ in string.Formatter().parse(text) if f}
            for lang, text in texts.items()
        }
        assert fields["es"] == fields["en"] == fields["pt"], key
