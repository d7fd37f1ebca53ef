"""The dossier lifecycle: statuses (portal codes 1–10) and allowed transitions, loaded as data.

Pure functions over ``resources/lifecycle/statuses.yaml``; recording a transition as an event
is the intake use-cases' job (:mod:`kiosk_app.core.intake`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk_app.resources import resource_path

ORIGINS = ("commune", "province")


class LifecycleError(ValueError):
    """A bad lifecycle file, or a transition the lifecycle does not allow (Vietnamese message)."""


@dataclass(frozen=True)
class Status:
    code: int
    id: str
    vi: str
    en: str
    final: bool


@dataclass(frozen=True)
class Transition:
    source: int
    target: int
    by: tuple[str, ...]
    event: str


@dataclass(frozen=True)
class Lifecycle:
    statuses: dict[int, Status]
    transitions: tuple[Transition, ...]
    version: str

    def status(self, ref: int | str) -> Status:
        for s in self.statuses.values():
            if ref in (s.code, s.id):
                return s
        raise LifecycleError(f"Không có trạng thái '{ref}'")

    def allowed(self, source: int, by: str | None = None) -> list[Transition]:
        return [t for t in self.transitions if t.source == source and (by is None or by in t.by)]

    def check(self, source: int, target: int, by: str) -> Transition:
        """The transition ``source → target`` for ``by``, or LifecycleError saying why not."""
        for t in self.transitions:
            if t.source == source and t.target == target:
                if by not in t.by:
                    raise LifecycleError(
                        f"Chuyển '{self.statuses[source].vi}' → '{self.statuses[target].vi}' "
                        f"không thuộc quyền của {'xã' if by == 'commune' else 'tỉnh'}"
                    )
                return t
        raise LifecycleError(
            f"Không thể chuyển hồ sơ từ '{self.status(source).vi}' sang '{self.status(target).vi}'"
        )


def load_lifecycle(path: Path | None = None, *, cache_dir: Path | None = None) -> Lifecycle:
    """The lifecycle in ``path`` (default: the shipped one), checked; LifecycleError if bad.

    ``cache_dir``: a kiosk's cache folder where the parsed file may be kept
    (:func:`kiosk_app.core.catalog_cache.load_yaml_cached`: start-up then needs no YAML parser);
    the checks run on every load either way.
    """
    from kiosk_app.core.catalog_cache import load_yaml_cached, yaml_error

    path = path or resource_path("lifecycle", "statuses.yaml")
    name = path.name
    try:
        data = load_yaml_cached(path, cache_dir)
    except (OSError, yaml_error()) as exc:
        raise LifecycleError(f"{name}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or "statuses" not in data or "transitions" not in data:
        raise LifecycleError(f"{name}: needs 'statuses' and 'transitions'")
    statuses: dict[int, Status] = {}
    ids: dict[str, int] = {}
    for i, s in enumerate(data["statuses"]):
        try:
            status = Status(
                int(s["code"]),
                str(s["id"]),
                s["label"]["vi"],
                s["label"]["en"],
                bool(s.get("final", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise LifecycleError(f"{name}: statuses[{i}]: missing or bad {exc}") from exc
        if status.code in statuses or status.id in ids:
            raise LifecycleError(f"{name}: statuses[{i}]: duplicate code or id")
        statuses[status.code] = status
        ids[status.id] = status.code
    transitions = []
    for i, t in enumerate(data["transitions"]):
        where = f"{name}: transitions[{i}]"
        try:
            src, dst, by = ids[t["from"]], ids[t["to"]], tuple(t["by"])
        except KeyError as exc:
            raise LifecycleError(f"{where}: unknown status or missing key {exc}") from exc
        if not by or any(b not in ORIGINS for b in by):
            raise LifecycleError(f"{where}.by: expected some of {ORIGINS}")
        if statuses[src].final:
            raise LifecycleError(f"{where}: '{t['from']}' is final")
        transitions.append(Transition(src, dst, by, str(t.get("event", t["to"]))))
    return Lifecycle(statuses, tuple(transitions), str(data.get("version", "")))


@cache
def lifecycle() -> Lifecycle:
    """The shipped lifecycle, loaded once."""
    return load_lifecycle()


SUBMITTED, ACCEPTED, NOT_ACCEPTED, PROCESSING, SUPPLEMENT, PAYMENT = 1, 2, 3, 4, 5, 6
WITHDRAWN, STOPPED, DONE, RETURNED = 7, 8, 9, 10
