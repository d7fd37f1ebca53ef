"""The wire protocol v1 shared by the kiosk's sync client and the provincial server.

Constants and names only (no I/O, no Qt): feed names, per-item result statuses, error codes
with their class, and the limits. ``docs/sync-protocol.md`` is the prose description; change
both together and bump :data:`PROTOCOL_VERSION` for an incompatible change.
"""

from __future__ import annotations

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Motcua-Protocol"

FEEDS = ("status", "catalog", "calendar", "settings", "keys", "payments")

# Per-item results of POST /v1/push.
ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"

# Event kinds the kiosk pushes (kiosk_app.core.intake): a submission, and one kind per
# lifecycle event made at the commune ("dossier.accept", "dossier.withdraw", ...).
SUBMITTED_KIND = "dossier.submitted"
TRANSITION_PREFIX = "dossier."
# A citizen's satisfaction rating (kiosk_app.core.ratings): level 1-5, reasons, no person.
RATING_KIND = "rating.submitted"
# An apology slip with a new appointment (kiosk_app.core.aftercare.apologise): not a status
# move; the server keeps the appointment it replaced for the on-time figure.
APOLOGY_KIND = "dossier.apology"

# Error classes (DESIGN.md "Errors"): what a client does with a failure.
TRANSIENT, AUTH, PERMANENT, CONFLICT = "transient", "auth", "permanent", "conflict"

# Machine code -> (HTTP status when it is a whole-request error, class).
ERRORS: dict[str, tuple[int, str]] = {
    "auth_missing": (401, AUTH),
    "auth_invalid": (401, AUTH),
    "token_expired": (401, AUTH),
    "device_revoked": (401, AUTH),
    "user_disabled": (401, AUTH),
    "login_failed": (401, AUTH),
    "forbidden": (403, PERMANENT),
    "https_required": (403, PERMANENT),
    "enrol_code_unknown": (400, PERMANENT),
    "enrol_code_used": (400, PERMANENT),
    "enrol_code_expired": (400, PERMANENT),
    "bad_request": (400, PERMANENT),
    "bad_payload": (422, PERMANENT),
    "unsupported_encoding": (415, PERMANENT),
    "too_large": (413, PERMANENT),
    "not_found": (404, PERMANENT),
    "unknown_feed": (404, PERMANENT),
    "unknown_kind": (422, PERMANENT),
    "wrong_agency": (403, PERMANENT),
    "wrong_slot": (403, PERMANENT),
    "unknown_dossier": (404, PERMANENT),
    "illegal_transition": (409, PERMANENT),
    "status_conflict": (409, CONFLICT),
    "code_conflict": (409, CONFLICT),
    "id_reused": (409, CONFLICT),
    "content_hash_mismatch": (422, PERMANENT),
    "attachment_not_expected": (403, PERMANENT),
    "offset_mismatch": (409, CONFLICT),
    "length_mismatch": (422, PERMANENT),
    "sha256_mismatch": (422, PERMANENT),
    "rate_limited": (429, TRANSIENT),
    "internal": (500, TRANSIENT),
    "unavailable": (503, TRANSIENT),
}

# Limits (the server's defaults; a client must stay inside them).
MAX_EVENTS_PER_PUSH = 500
MAX_PUSH_BYTES = 8 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_CHUNK_BYTES = 1024 * 1024
MAX_FEED_LIMIT = 500
DEFAULT_FEED_LIMIT = 100
ENROL_CODE_TTL_HOURS = 24
ACCESS_TOKEN_TTL_HOURS = 24  # a device refreshes it with its refresh token (POST /v1/token)

# Resumable uploads (headers as in tus / the IETF resumable-upload draft).
UPLOAD_OFFSET = "Upload-Offset"
UPLOAD_LENGTH = "Upload-Length"
UPLOAD_COMPLETE = "Upload-Complete"


def error_class(code: str) -> str:
    """The class (transient / auth / permanent / conflict) of an error code."""
    return ERRORS.get(code, (500, TRANSIENT))[1]
