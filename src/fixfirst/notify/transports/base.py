"""The contract every transport keeps (docs/notifications.md, "How to add a transport")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from fixfirst.notify.models import Delivery


class TransportError(Exception):
    """The delivery was not handed over.

    ``permanent=True`` means retrying cannot help (the address does not exist, the channel
    was removed): the delivery is marked failed at once. Otherwise it is retried with back-off.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    def __call__(self, delivery: Delivery) -> None:
        """Hand ``delivery`` over; return normally on success, else raise TransportError."""
