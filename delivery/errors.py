"""How a channel says a send failed, in words safe to store."""

from __future__ import annotations


class DeliveryError(Exception):
    """A send that did not happen. ``permanent``: trying again cannot help
    (the server refused the recipient or the content for good), so the event
    is dead-lettered at once; otherwise it is retried with back-off.
    ``reason`` goes to ``outbox_events.last_error``: a status code and the
    server's words, never credentials nor the message's text."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent
