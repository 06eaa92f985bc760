"""The key footer of the app's screens: Textual's, less the work it does while covered."""

from __future__ import annotations

from textual.widgets import Footer


class ScreenFooter(Footer):
    """Textual's :class:`Footer`, which does not rebuild its keys under a screen with its own.

    Opening an overlay (the facets, the details) refreshes the bindings of the screen it
    covers, and Textual's footer there rebuilds its keys: new widgets that are laid out
    only with that screen's next change, so the first facet toggle after opening the
    overlay paid a second layout and a second whole frame. Nothing of a footer covered by
    the top screen's own footer shows; when the top screen closes, the screen resumes,
    refreshes its bindings and the footer rebuilds then.
    """

    async def recompose(self) -> None:
        top = self.app.screen
        if self.is_attached and top is not self.screen and top.query(Footer):
            return
        await super().recompose()
