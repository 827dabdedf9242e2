"""The shapes the API reads and writes, for validation and for the OpenAPI schema (contracts.md §4).

A school's record carries every field of the data file (contracts.md §1); its model is built from
`schema.FIELDS`, so a field added to the contract appears here without a second list to keep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as Described

from junheng.schema import AREA_TYPE_VALUES, FIELDS, OWNERSHIP_VALUES, Field, Kind, SchoolType
from junheng.standards.loader import builtin_standard_names, load_standard
from junheng.web.collection.models import IDENTITY_KEYS, SchoolRecord


class Message(Schema):
    """An error that is one sentence: 400, 401, 403, 404, 409, 412."""

    detail: str


class FieldProblem(Schema):
    field: str | None = Described(description="出错的字段（数据文件的英文键），涉及整条记录时为 null")
    message: str = Described(description="与导入数据文件时相同的中文提示")


class Problems(Schema):
    """A request whose values or parameters fail the checks (422): every problem, by field."""

    detail: list[FieldProblem]


class County(Schema):
    id: int
    name: str = Described(description="县区名称")
    code: str = Described(description="县区代码")
    city: str | None = Described(description="所属市的名称")


class MembershipOut(Schema):
    organisation_id: int
    organisation_kind: str = Described(description="province、city、county 或 school")
    organisation_name: str
    role: str = Described(description="clerk、county_office、supervisor 或 observer")
    role_label: str


class Me(Schema):
    username: str
    memberships: list[MembershipOut]


def _choices(values: dict[str, Any]) -> Any:
    return Literal[tuple(dict.fromkeys(values.values()))]


# The Python type of each kind of field as the API writes it: choices by their English keys.
_OUT_TYPES: dict[Kind, Any] = {
    Kind.INTEGER: int,
    Kind.NUMBER: float,
    Kind.TEXT: str,
    Kind.SCHOOL_TYPE: SchoolType,
    Kind.OWNERSHIP: _choices(OWNERSHIP_VALUES),
    Kind.AREA_TYPE: _choices(AREA_TYPE_VALUES),
    Kind.YES_NO: bool,
}


def _described(field: Field) -> str:
    return f"{field.label}（{field.unit}）" if field.unit else field.label


def _out_field(field: Field) -> tuple[Any, Any]:
    python_type = _OUT_TYPES[field.kind]
    if field.always_required and field.key in IDENTITY_KEYS:
        return python_type, Described(description=_described(field))
    return python_type | None, Described(description=_described(field))


_OUT_FIELDS: dict[str, Any] = {
    "id": (int, Described(description="学校（组织）的 id")),
    **{field.key: _out_field(field) for field in FIELDS},
    "status": (
        Literal[tuple(SchoolRecord.Status.values)],
        Described(description="审核状态：draft 填报中、submitted 已提交、returned 已退回、approved 已审核锁定"),
    ),
}


class _PatchBase(BaseModel):
    # Unknown keys and identity keys pass through so that the reply names them in Chinese (422).
    # A plain pydantic model: ninja's Schema reads only declared fields, and would drop them.
    model_config = ConfigDict(extra="allow")


# A value is given as the data file would hold it: a number, a text such as "公办" or "1,234", or a
# boolean. The importer's checks then decide, with its own messages.
Cell = int | float | bool | str
# null means "not reported" (it clears the figure); a field every record must have cannot take it, nor
# one the county's standard needs (the importer's checks say so, 422).
NOT_NULL = "必填项，不能为 null"
CLEARS = "null 表示“未填报”，清除该项；县区所用评估标准需要该项时不能为 null（422）"


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _never_empty() -> frozenset[str]:
    """The fields no record may leave empty: those every record has, and those every standard needs."""
    needed = [frozenset(load_standard(name).required_columns()) for name in builtin_standard_names()]
    return frozenset(f.key for f in FIELDS if f.always_required) | frozenset.intersection(*needed)


NEVER_EMPTY = _never_empty()


def _patch_field(field: Field) -> tuple[Any, Any]:
    if field.key in NEVER_EMPTY:
        # Optional in the body, yet no null: the schema shows no default rather than a null one.
        return Cell, Described(None, description=f"{_described(field)}；{NOT_NULL}", json_schema_extra=_no_default)
    return Cell | None, Described(None, description=f"{_described(field)}；{CLEARS}")


_PATCH_FIELDS: dict[str, Any] = {field.key: _patch_field(field) for field in FIELDS if field.key not in IDENTITY_KEYS}

if TYPE_CHECKING:
    # Built at run time from schema.FIELDS; to the type checker, schemas like any other.
    SchoolRecordOut = Schema
    SchoolRecordPatch = _PatchBase
else:
    SchoolRecordOut = create_model(
        "SchoolRecord",
        __base__=Schema,
        __doc__="A school's record of a year: every field of contracts.md §1, and where it is in review.",
        **_OUT_FIELDS,
    )
    SchoolRecordPatch = create_model(
        "SchoolRecordPatch",
        __base__=_PatchBase,
        __doc__="Some fields of contracts.md §1, except those the organisation tree holds.",
        **_PATCH_FIELDS,
    )
