"""The assessment's shape in the API (docs/contracts.md §5): states and numbers, sentences as an extra.

`io.assessment_json` builds the object; these models declare it for validation and the OpenAPI schema.
"""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field as Described

StateWord = Literal["达标", "未达标", "待判定"]


class CheckOut(Schema):
    label: str = Described(description="检查内容")
    value: float | None = Described(description="数据（比例为小数，如 0.87；未填报为 null）")
    bound: float | None = Described(description="标准的阈值（比例为小数；无数值阈值时为 null）")
    comparison: str = Described(description="比较方式：≤、≥、<、= 或 是")
    unit: str = Described(description="单位：% 表示 value 与 bound 为比例")
    state: StateWord
    passed: bool | None = Described(alias="pass", description="state 为达标时为 true，未达标为 false，待判定为 null")
    figure: str = Described(description="页面显示的数据文字")
    threshold: str = Described(description="页面显示的标准文字")
    reason: str | None = Described(description="未达标或待判定的原因")


class SchoolNoteOut(Schema):
    id: int | None = Described(description="学校在平台中的编号")
    code: str = Described(description="学校标识码")
    name: str
    reason: str
    state: StateWord


class EvidenceOut(Schema):
    id: int | None
    name: str


class JudgementOut(Schema):
    passed: bool = Described(alias="pass")
    note: str
    decided_by: str
    decided_at: str | None
    evidence: list[EvidenceOut]


class ItemOut(Schema):
    id: str
    name: str
    kind: Literal["resources", "school_data", "county_figure", "judgement", "recognition"]
    state: StateWord
    passed: bool | None = Described(alias="pass")
    result: StateWord
    checks: list[CheckOut]
    schools: list[SchoolNoteOut]
    judgement: JudgementOut | None


class DimensionOut(Schema):
    key: Literal["resources", "guarantee", "quality", "recognition"]
    name: str
    state: StateWord
    passed: bool = Described(alias="pass")
    failed: int = Described(description="未达标的项数")
    pending: int = Described(description="待判定的项数")
    items: list[ItemOut]


class VetoOut(Schema):
    key: str
    label: str
    state: StateWord = Described(description="存在该情形为未达标，核查后不存在为达标，未核查为待判定")
    applies: bool | None
    note: str
    checked_by: str
    checked_at: str | None
    evidence: list[EvidenceOut]


class AssessmentOut(Schema):
    county_id: int
    county: str
    year: int
    standard: str = Described(description="标准名称，如 national-2017")
    standard_title: str = Described(description="标准的标题")
    state: StateWord
    passed: bool = Described(alias="pass")
    failed: int = Described(description="未达标的项数（含存在的一票否决项）")
    pending: int = Described(description="待判定的项数（含未核查的一票否决项）")
    reasons: list[str] = Described(description="未达标、待判定的原因（先未达标，后待判定）")
    dimensions: list[DimensionOut]
    vetoes: list[VetoOut]
