"""The footer of key bindings, redrawn only when the keys it shows change."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer rebuilds all its keys once per binding change (focus, screen resume,
    translation): several times while a screen opens. This one skips rebuilds that would show
    the same keys, so the first screen is drawn with its keys sooner."""

    _shown: tuple[tuple[str, str, bool], ...] | None = None

    class KeysShown(Message):
        """The footer has its keys (Textual adds them a frame or two after the screen opens)."""

    def _keys(self) -> tuple[tuple[str, str, bool], ...]:
        return tuple(
            (binding.key, binding.description, enabled)
            for _, binding, enabled, _ in self.screen.active_bindings.values()
            if binding.show
        )

    async def recompose(self) -> None:
        keys = self._keys()
        if keys == self._shown and self.children:
            return
        self._shown = keys
        await super().recompose()
        if self.children:
            self.post_message(self.KeysShown())
