"""Request and answer shapes of protocol v1, for the OpenAPI description (``/openapi.json``).

The server parses push and enrol bodies itself (they may be gzip-compressed), so these models
document the wire format; answers are validated against them on the way out.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    code: str = Field(description="stable machine code, e.g. `device_revoked`")
    message: str = Field(description="Vietnamese, for the clerk")
    class_: Literal["transient", "auth", "permanent", "conflict"] = Field(alias="class")


class ErrorAnswer(BaseModel):
    error: ErrorBody


class EnrolRequest(BaseModel):
    code: str = Field(description="the one-time code printed by `motcua-server enrol`")
    device_name: str | None = Field(None, max_length=100)
    public_key: dict[str, Any] | str | None = Field(
        None, description="the kiosk's receipt key: a motcua-device-key v1 document"
    )


class EnrolAnswer(BaseModel):
    device_id: str
    token: str = Field(description="the access token: send as `Authorization: Bearer …`")
    token_expires_at: str
    refresh_token: str = Field(description="keep it secret; exchange it at /v1/token")
    commune: str
    agency_id: str
    slot: int
    protocol: int
    server_time: str
    feeds: list[str]
    issued: dict[str, int] = Field(
        default_factory=dict,
        description="Highest dossier-code sequence the server holds per code day (YYMMDD) for "
        "this agency's slot, last 60 days: a replacement or restored kiosk raises its daily "
        "counters to these so it never issues a code twice.",
    )
    province_key: dict[str, Any] | None = Field(
        None,
        description="The province's Ed25519 public key document (motcua-province-key v1): the "
        "kiosk pins it and accepts catalogue, calendar and settings bundles only when signed "
        "by it (docs/sync-protocol.md, Signed bundles).",
    )


class TokenRequest(BaseModel):
    refresh_token: str


class TokenAnswer(BaseModel):
    token: str
    token_expires_at: str
    server_time: str


class MeAnswer(BaseModel):
    device_id: str
    kind: str
    name: str | None
    commune: str | None
    agency_id: str | None
    slot: int | None
    protocol: int
    server_time: str


class Event(BaseModel):
    id: str = Field(description="UUIDv7 made on the device: the idempotency key")
    kind: str = Field(description="`dossier.submitted` or `dossier.<lifecycle event>`")
    entity_id: str | None = None
    created_at: str | None = None
    payload: dict[str, Any]


class PushRequest(BaseModel):
    events: list[Event] = Field(max_length=500)


class DossierSummary(BaseModel):
    code: str
    status: int
    complete: bool
    missing_attachments: list[str]


class ItemResult(BaseModel):
    id: str | None
    status: Literal["accepted", "duplicate", "rejected"]
    dossier: DossierSummary | None = None
    reason: ErrorBody | None = None


class PushAnswer(BaseModel):
    results: list[ItemResult]
    server_time: str


class AttachmentState(BaseModel):
    sha256: str
    state: Literal["absent", "partial", "complete"]
    offset: int
    size: int


class FeedItem(BaseModel):
    cursor: str
    key: str
    at: str
    data: dict[str, Any]


class FeedAnswer(BaseModel):
    feed: str
    reset: bool = Field(description="true: drop the cursor and refetch this feed from the start")
    items: list[FeedItem]
    next: str | None
    more: bool


class TransitionRequest(BaseModel):
    to: int | str = Field(description="status code (1–10) or id, e.g. `processing`")
    note: str | None = Field(None, max_length=500)
    actor: str | None = Field(None, max_length=100)
    appointment_at: str | None = Field(None, description="new appointment, ISO-8601 with offset")


class PaymentRequest(BaseModel):
    amount: int = Field(gt=0, description="amount paid, in đồng")
    method: str = Field(description="`transfer` or `online`")
    reference: str = Field(min_length=1, max_length=100, description="the transaction's id")
    paid_at: str = Field(description="when it was paid, ISO-8601 with offset")


class StatusEntry(_Open):
    event_id: str
    code: str
    event: str
    to: int
    status_label: str
    at: str


class DossierRow(_Open):
    code: str
    commune: str
    agency_id: str
    status: int
    complete: bool
    attachments: list[str]


class LoginRequest(BaseModel):
    login: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class LoginAnswer(BaseModel):
    token: str = Field(description="send as `Authorization: Bearer …` to /v1/admin")
    expires_at: str
    role: Literal["province_admin", "province_viewer", "commune_officer"]
    commune: str | None
    server_time: str


class KeyDocument(_Open):
    format: Literal["motcua-device-key"] = "motcua-device-key"
    version: int = 1
    public_key: str
    kid: str | None = None
    agency_id: str | None = None
    slot: int | None = None


SCHEMAS = [EnrolRequest, TokenRequest, PushRequest, KeyDocument, ErrorAnswer, LoginRequest]
