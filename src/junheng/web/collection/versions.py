"""Optimistic concurrency on a school's record: an edit names the version it was made on, and is refused
when the record has been saved since, with what changed meanwhile, so that nobody's save silently
undoes another's (issue 10 §1)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from junheng.web.collection.models import Change, SchoolRecord


@dataclass(frozen=True)
class Meanwhile:
    """A field saved by someone else after the edit's version: by whom, when, and its value now."""

    field: str
    saved: object
    by: str | None
    at: datetime.datetime


class StaleRecord(Exception):
    """An edit made on `expected`, while the record is now at `record.version`; nothing was stored."""

    def __init__(self, record: SchoolRecord, expected: int) -> None:
        self.record = record
        self.expected = expected
        # Version 0 is none the record ever had (an If-Match naming no version): no "since" to tell.
        self.meanwhile = changed_since(record, expected) if expected > 0 else []
        names = "、".join(dict.fromkeys(m.field for m in self.meanwhile)) or "审核状态或其他字段"
        super().__init__(
            f"{record.school.name} {record.year} 年度数据在您打开后已被修改（{names}），"
            f"您的版本为 {expected}，当前为 {record.version}；本次修改未保存"
        )


def check_version(record: SchoolRecord, expected: int | None) -> None:
    """Refuse an edit made on an older version of `record` (None: the caller named no version)."""
    if expected is not None and expected != record.version:
        raise StaleRecord(record, expected)


def changed_since(record: SchoolRecord, version: int) -> list[Meanwhile]:
    """The fields saved after `version`, each once with its latest change, in the form's field order."""
    latest: dict[str, Change] = {}
    for change in record.changes.filter(version__gt=version).select_related("user").order_by("at", "id"):
        latest[change.field] = change
    return [Meanwhile(field, getattr(record, field), _name(change), change.at) for field, change in latest.items()]


def _name(change: Change) -> str | None:
    if change.user is None:
        return None
    return change.user.get_full_name() or change.user.get_username()


def etag(record: SchoolRecord) -> str:
    """The record's version as an HTTP entity tag (RFC 9110 §8.8.3): a quoted string."""
    return f'"{record.version}"'


def expected_version(if_match: str, current: int) -> int | None:
    """The version an `If-Match` header allows an edit on (RFC 9110 §13.1.1): None for "*" (any).

    Tags are compared strongly, so a weak or malformed tag matches nothing. Of several tags, the one
    naming `current` if any (the edit checks it again with the record locked), else the latest named,
    else version 0, which no record has: the edit is then refused.
    """
    tags = [tag.strip() for tag in if_match.split(",") if tag.strip()]
    if "*" in tags:
        return None
    versions = {int(tag[1:-1]) for tag in tags if len(tag) > 2 and tag[0] == tag[-1] == '"' and _digits(tag[1:-1])}
    return current if current in versions else max(versions, default=0)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()
