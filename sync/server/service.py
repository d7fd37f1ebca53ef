"""The provincial server's use-cases, independent of HTTP: enrol, authenticate, push, upload,
feeds, back office, publishing. The ASGI app (:mod:`sync.server.app`) and the command line
(:mod:`sync.server.cli`) both call these; tests may too.

Every refusal is an :class:`ApiError` carrying a machine code from :data:`sync.protocol.ERRORS`
and a Vietnamese message for the clerk. Nothing here logs request content: dossiers carry
citizens' personal data, so log lines name event ids, dossier codes and counts only.

:class:`Service` is the one object callers hold. It keeps the constructor and the shared state
(database, data folder, blob store, lifecycle, limits); the use-cases live in mixins, one module
per responsibility:

- :mod:`sync.server.service_common` - :class:`ApiError`, :class:`Principal`, shared helpers;
- :mod:`sync.server.service_devices` - enrolment, authentication, tokens, receipt keys;
- :mod:`sync.server.service_users` - back-office users, roles, login sessions;
- :mod:`sync.server.service_feeds` - feed entries: put, read, reset, prune;
- :mod:`sync.server.service_push` - the push batch (one transaction per batch);
- :mod:`sync.server.service_ingest` - submissions, ratings and transitions within a push;
- :mod:`sync.server.service_attachments` - the blob store and resumable uploads;
- :mod:`sync.server.service_admin` - back office and the public receipt lookup;
- :mod:`sync.server.service_publish` - catalogue, calendar and settings publishing.

The names those modules define are re-exported here, so ``from sync.server.service import …``
keeps working for every caller.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sync import protocol as P
from sync.server.db import Database
from sync.server.service_admin import AdminMixin
from sync.server.service_attachments import AttachmentsMixin, BlobStore, _flock, _fsync_dir
from sync.server.service_common import (
    _B32,
    _CODE_FIXES,
    CHANNELS,
    OPERATOR_PREFIX,
    REFRESH_PREFIX,
    SEEN_EVERY,
    SHA256_RE,
    TOKEN_PREFIX,
    ApiError,
    Principal,
    _dumps,
    _parse_time,
    _uuid7,
    canonical,
    event_hash_text,
    log,
    normalize_enrol_code,
    sha256_hex,
)
from sync.server.service_devices import ISSUED_DAYS, DevicesMixin
from sync.server.service_feeds import FeedsMixin
from sync.server.service_ingest import IngestMixin
from sync.server.service_payments import PaymentsMixin
from sync.server.service_publish import PublishMixin
from sync.server.service_push import (
    _ATTACHMENT_SQL,
    _DOSSIER_SQL,
    _EVENT_SQL,
    _HISTORY_SQL,
    PushMixin,
    _Known,
    _marks,
    _Race,
    _select_in,
    _Writes,
)
from sync.server.service_stats import StatsMixin
from sync.server.service_users import ROLES, UsersMixin

__all__ = [
    "_ATTACHMENT_SQL",
    "_B32",
    "_CODE_FIXES",
    "_DOSSIER_SQL",
    "_EVENT_SQL",
    "_HISTORY_SQL",
    "CHANNELS",
    "ISSUED_DAYS",
    "OPERATOR_PREFIX",
    "REFRESH_PREFIX",
    "SEEN_EVERY",
    "SHA256_RE",
    "TOKEN_PREFIX",
    "ApiError",
    "BlobStore",
    "Principal",
    "ROLES",
    "Service",
    "_Known",
    "_Race",
    "_Writes",
    "_dumps",
    "_flock",
    "_fsync_dir",
    "_marks",
    "_parse_time",
    "_select_in",
    "_uuid7",
    "canonical",
    "event_hash_text",
    "log",
    "normalize_enrol_code",
    "sha256_hex",
]


# ------------------------------------------------------------------ the service
class Service(
    DevicesMixin,
    UsersMixin,
    FeedsMixin,
    PushMixin,
    IngestMixin,
    AttachmentsMixin,
    AdminMixin,
    PublishMixin,
    StatsMixin,
    PaymentsMixin,
):
    """All server use-cases over one database and one data folder. Thread-safe."""

    def __init__(
        self,
        db: Database,
        data_dir: Path,
        *,
        max_attachment: int = P.MAX_ATTACHMENT_BYTES,
        max_chunk: int = P.MAX_CHUNK_BYTES,
        public_url: str | None = None,
        token_ttl: timedelta = timedelta(hours=P.ACCESS_TOKEN_TTL_HOURS),
        operator_ttl: timedelta = timedelta(hours=1),
        province_key: Path | None = None,
    ) -> None:
        from kiosk_app.core.dossier import lifecycle

        self.db = db
        self.data_dir = Path(data_dir)
        self.blobs = BlobStore(self.data_dir / "blobs")
        self.states = lifecycle()
        self.max_attachment = max_attachment
        self.max_chunk = max_chunk
        self.public_url = public_url
        self.token_ttl = token_ttl
        self.operator_ttl = operator_ttl
        self.province_key_path = Path(province_key) if province_key else None
        self._signer = None
