"""Paper forms' numbers and codes: a mistyped number never opens another form."""

from __future__ import annotations

import itertools

import pytest

from magcheck.core.forms import (
    FormIdentity,
    damm_digit,
    form_number,
    parse_number,
    parse_payload,
    printed_number,
    read_form_ref,
)
from magcheck.core.questionnaires import load_all
from magcheck.errors import InputError, NotFoundError
from magcheck.store import Store


def test_numbers_round_trip_in_every_spelling() -> None:
    for serial in (1, 42, 9999, 10000, 123456):
        printed = printed_number(serial)
        assert parse_number(printed) == serial
        assert parse_number(printed.replace("-", "")) == serial
        assert parse_number(" " + form_number(serial).lstrip("0") + " ") == serial
    assert printed_number(42) == "0042-" + str(damm_digit("0042"))


def test_every_single_typo_and_neighbour_swap_is_caught() -> None:
    for serial in range(1, 400):
        digits = form_number(serial)
        for pos, wrong in itertools.product(range(len(digits)), "0123456789"):
            if wrong == digits[pos]:
                continue
            typo = digits[:pos] + wrong + digits[pos + 1 :]
            with pytest.raises(InputError, match="check digit"):
                parse_number(typo)
        for pos in range(len(digits) - 1):
            a, b = digits[pos], digits[pos + 1]
            if a != b:
                swapped = digits[:pos] + b + a + digits[pos + 2 :]
                with pytest.raises(InputError, match="check digit"):
                    parse_number(swapped)


@pytest.mark.parametrize("text", ["", "abc", "12a4", "٣٤٥", "1" * 20, "0"])
def test_garbage_is_refused_in_one_line(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_number(text)
    assert "\n" not in str(info.value)


def test_payload_carries_the_whole_identity_in_qr_alphanumeric_text() -> None:
    ident = FormIdentity(42, "ab" * 32, "pt", "c" * 32, "d" * 32)
    text = ident.payload()
    assert set(text) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert parse_payload(text) == ident
    assert read_form_ref(text.lower()) == ident
    assert read_form_ref(ident.number) == 42
    with pytest.raises(InputError, match="damaged"):
        parse_payload(text.replace("AB", "XY", 1))


def test_store_numbers_forms_and_refuses_a_foreign_code(tmp_path) -> None:
    store = Store.open(tmp_path)
    group = store.add_group("Riverside")
    q = load_all()[0]["member"]
    forms = store.print_forms(group, q, "es", 3)
    assert [f.position for f in forms] == [1, 2, 3] and len({f.serial for f in forms}) == 3
    assert len({f.session_id for f in forms}) == 1 and forms[0].language == "es"
    check = store.check(forms[0].check_id)
    more = store.print_forms(group, q, "en", 2, check=check)
    assert {f.session_id for f in more} == {forms[0].session_id}  # the same member part
    assert more[0].serial == forms[-1].serial + 1
    assert store.paper_form_of(forms[1].identity()) == forms[1]
    other = FormIdentity(forms[1].serial, q.content_hash, "es", group.id, "e" * 32)
    with pytest.raises(InputError, match="printed elsewhere"):
        store.paper_form_of(other)
    with pytest.raises(NotFoundError, match="no form"):
        store.paper_form(999)
    assert [f.serial for f in store.paper_forms(check)] == [f.serial for f in forms + more]
