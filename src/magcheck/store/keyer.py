"""One keyer at work on one form's pass: keys in, auto-advance, Backspace, completion. The CLI's
line reader and the app's entry screen both drive this one object."""

from __future__ import annotations

from ..core.forms import FormIdentity, read_form_ref
from ..core.keying import Keyed, key_of, keymap, next_index, read_key
from ..core.model import Item, Questionnaire
from .entry import EntryTables, KeyedPass, Outcome
from .paper import PaperForm


def find_form(store: EntryTables, text: str) -> PaperForm:
    """A typed form number (``0042-7``, ``00427``) or a scanned QR code: the form it names."""
    ref = read_form_ref(text)
    if isinstance(ref, FormIdentity):
        return store.paper_form_of(ref)
    return store.paper_form(ref)


class PassCursor:
    """Where a keyer is in a pass. Every key is committed before the cursor moves, so a
    killed process resumes at the first item without a key."""

    def __init__(self, store: EntryTables, form: PaperForm, pass_no: int, keyer: str) -> None:
        self.store = store
        self.form = form
        self.q: Questionnaire = store.questionnaire(form.questionnaire_hash)
        self.keys = keymap(self.q.scale)  # an unkeyable scale is refused before anything is written
        self.entry: KeyedPass = store.start_pass(form, pass_no, keyer)
        self.values: dict[str, Keyed] = dict(self.entry.values)
        self.index = next_index(self.q.items, self.values)
        self.outcome: Outcome | None = None
        self.last: str | None = None  # the key just typed in this pass (never another pass's)
        if self.done:  # every key was in before a crash stopped the pass from closing
            self.outcome = store.complete_pass(self.entry, self.q)

    @property
    def items(self) -> tuple[Item, ...]:
        return self.q.items

    @property
    def done(self) -> bool:
        return self.index >= len(self.items)

    @property
    def item(self) -> Item | None:
        return None if self.done else self.items[self.index]

    def press(self, key: str) -> Keyed:
        """Key the current item and move on; the last item closes the pass. A key that means
        nothing here raises KeyRefused and nothing moves."""
        item = self.item
        if item is None:
            raise IndexError("the pass is complete")
        value = read_key(self.keys, key)
        self.store.record_key(self.entry, item.id, value)
        self.values[item.id] = value
        self.last = key_of(value)
        self.index += 1
        if self.done:
            self.outcome = self.store.complete_pass(self.entry, self.q)
        return value

    def back(self) -> bool:
        """Backspace: go back one item and clear its key. False at the first item or once the
        pass is closed (then the comparison settles any mistake)."""
        if self.index == 0 or self.outcome is not None:
            return False
        self.index -= 1
        item = self.items[self.index]
        self.store.clear_key(self.entry, item.id)
        self.values.pop(item.id, None)
        self.last = None
        return True
