"""The footer of key bindings, drawn with its keys in the screen's first frame."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer starts empty and adds its keys a frame or two after the screen opens,
    then rebuilds them all once per binding change (focus, screen resume, translation): the
    first full screen waited for several rebuilds. This one has its keys from the start and
    skips rebuilds that would show the same keys."""

    _shown: tuple[tuple[str, str, bool], ...] | None = None

    def __init__(self) -> None:
        super().__init__()
        # Textual's Footer composes nothing until this is set by the first binding change; the
        # screen's own keys are known already. (Without the attribute: Textual's behaviour.)
        if hasattr(self, "_bindings_ready"):
            self._bindings_ready = True

    def _keys(self) -> tuple[tuple[str, str, bool], ...]:
        return tuple(
            (binding.key, binding.description, enabled)
            for _, binding, enabled, _ in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        return super().compose()

    async def recompose(self) -> None:
        if self._keys() == self._shown and self.children:
            return
        await super().recompose()
