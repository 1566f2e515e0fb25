"""The local SQLite store: the only package that runs SQL; every write commits before returning."""

from __future__ import annotations

from .answers import AnswerTables, next_item_index
from .entry import EntryTables
from .exchange import ExchangeQueries
from .paper import PaperForm, PaperTables
from .rows import (
    ROUND_MODE,
    SESSION_MODES,
    Check,
    Group,
    Response,
    Session,
    check_respondent_code,
    new_id,
    now,
)
from .schema import SCHEMA_VERSION
from .sessions import SessionTables
from .settings import Settings


class Store(EntryTables, PaperTables, SessionTables, AnswerTables, ExchangeQueries, Settings):
    """One open store: groups, sessions, answers, paper forms and the bulk queries, over one
    connection."""


__all__ = [
    "ROUND_MODE",
    "SCHEMA_VERSION",
    "SESSION_MODES",
    "Check",
    "Group",
    "PaperForm",
    "Response",
    "Session",
    "Store",
    "check_respondent_code",
    "new_id",
    "next_item_index",
    "now",
]
