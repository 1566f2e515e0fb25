"""The local store: owner-only files, migrations, resume, answers replaced, two writers at once."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from magcheck.errors import InputError, NotFoundError, StoreError
from magcheck.store import SCHEMA_VERSION, Store, next_item_index


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_store_directory_and_files_are_owner_only(tmp_path, bundled):
    directory = tmp_path / "new" / "data"
    with Store.open(directory) as store:
        group = store.add_group("G")
        session = store.create_session(group, bundled["member"], "en")
        store.record_answer(store.start_response(session, "member"), "coping_1", 4)
        assert mode(directory) == 0o700
        for f in directory.iterdir():
            assert mode(f) == 0o600, f


def test_schema_version_is_recorded_and_a_newer_store_is_refused(tmp_path):
    with Store.open(tmp_path) as store:
        assert store.schema_version == SCHEMA_VERSION
        device = store.get_meta("device_id")
    with Store.open(tmp_path) as store:
        assert store.get_meta("device_id") == device  # made once per store
    db = sqlite3.connect(tmp_path / "magcheck.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="written by a newer magcheck"):
        Store.open(tmp_path)


def test_store_runs_in_wal_with_full_sync(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_unwritable_directory_gives_a_readable_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create it"):
        Store.open(blocker / "data")


def test_a_file_that_is_not_a_database_is_reported(tmp_path):
    (tmp_path / "magcheck.db").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a magcheck database"):
        Store.open(tmp_path)


def test_group_names_are_unique_and_found_by_name_or_id(store):
    g = store.add_group("  Tuesday   group ", region="North", focus="depression")
    assert g.name == "Tuesday group"
    assert store.group("Tuesday group") == g
    assert store.group(g.id[:6]) == g
    with pytest.raises(InputError, match="already exists"):
        store.add_group("Tuesday group")
    with pytest.raises(NotFoundError, match="no group 'Wednesday'.*Tuesday group"):
        store.group("Wednesday")


def test_respondent_codes_can_never_be_names(store, bundled):
    session = store.create_session(store.add_group("G"), bundled["member"], "en")
    assert store.start_response(session, "member", "M3").respondent_code == "M3"
    for name in ("Maria", "Ana Silva", "x" * 20 + "1"):
        with pytest.raises(InputError, match="never a person's name"):
            store.start_response(session, "member", name)


def test_answering_again_replaces_and_resume_finds_the_first_gap(store, bundled):
    q = bundled["member"]
    session = store.create_session(store.add_group("G"), q, "es")
    response = store.start_response(session, "member")
    for item in q.items[:5]:
        store.record_answer(response, item.id, 3)
    store.record_answer(response, q.items[2].id, None)  # changed to prefer-not-to-say
    store.record_answer(response, q.items[1].id, 5)
    answers = store.answers(response)
    assert answers[q.items[2].id] is None and answers[q.items[1].id] == 5
    assert len(answers) == 5
    assert next_item_index(q, answers) == 5
    assert store.session(session.id).status == "in progress"
    store.complete_response(response)
    assert store.session(session.id).status == "complete"


def test_session_keeps_the_exact_questionnaire_it_was_answered_with(store, tiny):
    session = store.create_session(store.add_group("G"), tiny, "en", "2026-03-14")
    again = store.questionnaire(session.questionnaire_hash)
    assert again == tiny.__class__(**{**tiny.__dict__, "source": again.source})
    assert session.date == "2026-03-14"


def test_bad_date_and_language_are_refused(store, tiny):
    g = store.add_group("G")
    with pytest.raises(InputError, match="not a date"):
        store.create_session(g, tiny, "en", "14/03/2026")
    with pytest.raises(InputError, match="has no 'pt' text"):
        store.create_session(g, tiny, "pt")


def test_previous_session_is_the_groups_last_with_the_same_questionnaire(store, bundled):
    g = store.add_group("G")
    first = store.create_session(g, bundled["member"], "en", "2026-01-10")
    store.create_session(g, bundled["facilitator"], "en", "2026-02-10")
    third = store.create_session(g, bundled["member"], "en", "2026-03-10")
    assert store.previous_session(third).id == first.id
    assert store.previous_session(first) is None


def test_two_processes_writing_at_once_never_corrupt_the_store(tmp_path, bundled):
    with Store.open(tmp_path) as store:
        session = store.create_session(store.add_group("G"), bundled["member"], "en")
    writer = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from magcheck.store import Store
        store = Store.open(Path({str(tmp_path)!r}))
        session = store.session({session.id!r})
        for n in range(40):
            r = store.start_response(session, "member", f"W{{sys.argv[1]}}-{{n}}")
            for i in range(16):
                store.record_answer(r, f"item{{i}}", (n + i) % 5 + 1)
            store.complete_response(r)
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", writer, str(k)]) for k in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with Store.open(tmp_path) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = store.session_answers(store.session(session.id))
        assert len(rows) == 80
        assert all(len(answers) == 16 and r.complete for r, answers in rows)


def test_a_member_round_stays_in_progress_until_it_is_ended(store, bundled):
    session = store.create_session(store.add_group("G"), bundled["member"], "en")
    store.set_session_mode(session, "round")
    for code in ("M1", "M2"):
        r = store.start_response(session, "member", code)
        store.record_answers(r, {it.id: 4 for it in bundled["member"].items})
        store.complete_response(r)
    # every member so far has finished, but the facilitator has not ended the round
    assert store.session(session.id).status == "in progress"
    store.close_session(session)
    assert store.session(session.id).status == "complete"
    with pytest.raises(InputError, match="mode 'party'"):
        store.set_session_mode(session, "party")


def test_a_version_1_store_migrates_forward_and_keeps_its_answers(tmp_path, bundled):
    from magcheck.store.schema import MIGRATIONS

    path = tmp_path / "magcheck.db"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[1])
    old.execute("PRAGMA user_version = 1")
    old.execute(
        "INSERT INTO groups VALUES ('g1', 'Old group', NULL, NULL, '2025-01-01T00:00:00+00:00')"
    )
    old.execute("INSERT INTO questionnaires VALUES ('h1', 'member', 1, '{}')")
    old.execute(
        "INSERT INTO sessions VALUES ('s1', 'g1', '2025-01-01', 'en', 'member', 1, 'h1', 'x', NULL)"
    )
    old.execute("INSERT INTO responses VALUES ('r1', 's1', 'member', 'M1', 'x', NULL)")
    old.executemany(
        "INSERT INTO answers VALUES ('r1', ?, ?, 'x')", [("coping_1", 4), ("trust_1", None)]
    )
    old.commit()
    old.close()
    with Store.open(tmp_path) as store:
        assert store.schema_version == SCHEMA_VERSION >= 2
        assert store.group("Old group").id == "g1"
        assert store.answers(store.response("r1")) == {"coping_1": 4, "trust_1": None}
        table = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'answers'").fetchone()[
            0
        ]
        assert "WITHOUT ROWID" in table
        session = store.create_session(store.group("Old group"), bundled["member"], "en")
        store.record_answer(store.start_response(session, "member"), "coping_1", 3)
