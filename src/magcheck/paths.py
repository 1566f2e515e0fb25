"""Where magcheck keeps its data: one place to resolve every location."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "MAGCHECK_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir wins, then MAGCHECK_DATA_DIR, then the platform's user data directory."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("magcheck", appauthor=False))


def store_path(directory: Path) -> Path:
    return directory / "magcheck.db"


def user_questionnaire_dir(directory: Path) -> Path:
    """Extra questionnaires a group adds sit here, next to the store."""
    return directory / "questionnaires"


def locale_dir(directory: Path) -> Path:
    """UI catalogues translators add (LL.json, written by `magcheck ui po-import`)."""
    return directory / "locale"


def export_dir(directory: Path) -> Path:
    return directory / "exports"


def package_data(name: str) -> Path:
    return Path(__file__).parent / "data" / name


def bundled_questionnaire_dir() -> Path:
    """Inside the installed wheel; in a source checkout, the top-level questionnaires/ folder."""
    inside = Path(__file__).parent / "questionnaires"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "questionnaires"
