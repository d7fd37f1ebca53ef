"""Who is at the desk: the logged-in account, its role, and since when.

A :class:`Session` is a value handed down from the shell to every screen and use-case that acts
(never a global): the use-cases check its role (:mod:`kiosk_app.core.permissions`) and write
its ``actor`` into dossiers, events, drafts and audit entries. It is made only by
:meth:`kiosk_app.core.accounts.Accounts.login` (a person), :func:`kiosk_session` (the
self-service shell) or :func:`command_line_session` (``motcua`` run by whoever has the PC's
shell). No Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk_app.core import permissions
from kiosk_app.core.intake import now_vn


@dataclass(frozen=True)
class Session:
    """A logged-in account. ``actor`` is what the records carry (the username)."""

    username: str
    display_name: str
    role: str
    since: datetime
    system: bool = False  # not a person: the kiosk shell or the command line

    @property
    def actor(self) -> str:
        return self.username

    def can(self, permission: str) -> bool:
        return permissions.allowed(self.role, permission)

    def require(self, permission: str) -> None:
        permissions.require(self, permission)


def kiosk_session(since: datetime | None = None) -> Session:
    """The self-service kiosk's own restricted session (records carry actor ``kiosk``)."""
    return Session(
        "kiosk", "Máy kiosk tự phục vụ", permissions.KIOSK, since or now_vn(), system=True
    )


def command_line_session(since: datetime | None = None) -> Session:
    """``motcua`` on the PC's own shell: whoever runs it can already read and replace the data
    folder, so it acts as an administrator; records carry actor ``cli``."""
    return Session("cli", "Dòng lệnh motcua", permissions.ADMIN, since or now_vn(), system=True)


def record(
    store: Any,
    session: Session | None,
    action: str,
    entity: str | None = None,
    data: Mapping[str, Any] | None = None,
    *,
    permission: str | None = None,
    clock: Callable[[], datetime] = now_vn,
) -> None:
    """Append one audit entry for what ``session`` did (a receipt printed, an export, a
    backup), in its own write transaction; with ``permission``, check the role first
    (PermissionDenied). ``entity`` names the thing (a dossier code), ``data`` says how — never
    a citizen's personal data or a secret."""
    from kiosk_app.store import audit

    if permission is not None:
        permissions.require(session, permission)
    with store.write() as db:
        audit.append(
            db,
            at=clock().isoformat(),
            actor=session.actor if session else None,
            action=action,
            entity=entity,
            data=dict(data or {}),
        )
