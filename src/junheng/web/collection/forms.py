"""The collection's forms. A record's figures are checked by the importer's own rules (services.py),
so the record form only carries text: a number typed as 1,234 must reach those rules as typed."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import BoundField

from junheng import numbers
from junheng.io.cells import FIRST_YEAR, LAST_YEAR
from junheng.io.errors import DataIssue
from junheng.io.limits import COUNTY_SCHOOL_FILE
from junheng.schema import AREA_TYPE_VALUES, FIELDS_BY_KEY, OWNERSHIP_VALUES, SCHOOL_TYPE_LABELS, Field, Kind
from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.collection.versions import StaleRecord
from junheng.web.datafiles import DataFileField

# The form's sections, in the order a school's statistics report (教育事业统计) lists them.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("基本信息", ("school_type", "ownership", "area_type", "boarding")),
    ("在校生与班级", ("students_primary", "students_junior", "students_senior", "classes_primary", "classes_junior")),
    (
        "教师",
        (
            "teachers_above_degree_primary",
            "teachers_above_degree_junior",
            "backbone_teachers_primary",
            "backbone_teachers_junior",
            "pe_art_teachers_primary",
            "pe_art_teachers_junior",
        ),
    ),
    ("校舍与设备", ("teaching_aux_area_m2", "sports_area_m2", "equipment_value_yuan", "multimedia_rooms")),
    (
        "专用教室与班额",
        (
            "music_rooms",
            "art_rooms",
            "music_room_min_area_m2",
            "art_room_min_area_m2",
            "max_class_size_primary",
            "max_class_size_junior",
        ),
    ),
    (
        "基本均衡补充指标",
        (
            "full_time_teachers_primary",
            "full_time_teachers_junior",
            "mid_title_teachers_primary",
            "mid_title_teachers_junior",
            "computers",
            "books",
        ),
    ),
)

# What a count counts, shown after its input; areas and money carry their unit in the schema.
_COUNT_UNITS: dict[str, str] = {
    "students": "人",
    "classes": "个",
    "teachers_above_degree": "人",
    "backbone_teachers": "人",
    "pe_art_teachers": "人",
    "full_time_teachers": "人",
    "mid_title_teachers": "人",
    "max_class_size": "人",
    "multimedia_rooms": "间",
    "music_rooms": "间",
    "art_rooms": "间",
    "computers": "台",
    "books": "册",
}

YES, NO = "是", "否"
_CHOICES: dict[Kind, list[tuple[str, str]]] = {
    Kind.SCHOOL_TYPE: list(SCHOOL_TYPE_LABELS.items()),
    Kind.OWNERSHIP: [(key, label) for label, key in OWNERSHIP_VALUES.items() if not label.isascii()],
    Kind.AREA_TYPE: [(key, label) for label, key in AREA_TYPE_VALUES.items() if not label.isascii()],
    Kind.YES_NO: [(YES, YES), (NO, NO)],
}
STATUS_LABEL = "审核状态"


def unit(field: Field) -> str:
    """The unit a field is entered in: ㎡ or 元 from the schema, else what the count counts."""
    stem = field.key.removesuffix(f"_{field.level}") if field.level else field.key
    return field.unit or _COUNT_UNITS.get(stem, "")


def field_label(key: str) -> str:
    """The Chinese label of a field key of an audit entry ("status" is the review state)."""
    return STATUS_LABEL if key == "status" else FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else key


def value_text(key: str, value: object) -> str:
    """A stored value as a person enters it: 小学 for primary, 是 for True, 2400.5 rather than 2400.50."""
    if value is None or value == "":
        return ""
    if key == "status":
        return str(SchoolRecord.Status(str(value)).label)
    field = FIELDS_BY_KEY.get(key)
    if field is None:
        return str(value)
    if field.kind is Kind.YES_NO:
        return YES if value in (True, "True") else NO
    if field.kind in _CHOICES:
        return dict(_CHOICES[field.kind]).get(str(value), str(value))
    if field.kind in (Kind.INTEGER, Kind.NUMBER):
        return f"{Decimal(str(value)).normalize():f}"
    return str(value)


def figure_text(key: str, value: object) -> str:
    """A stored figure as the review page shows it: thousands separators, the decimals of its kind
    (12,345.50 ㎡, 1,200,000.00 元), choices as words."""
    field = FIELDS_BY_KEY.get(key)
    if field is not None and field.kind in (Kind.INTEGER, Kind.NUMBER) and isinstance(value, int | float):
        return numbers.number(value, numbers.quantity_of(field.unit or ""))
    return value_text(key, value)


def unchanged(data: Mapping[str, Any], record: SchoolRecord, keys: Collection[str]) -> frozenset[str]:
    """Those of `keys` whose input in `data` still shows the record's stored value."""
    return frozenset(key for key in keys if data.get(key, "") == _initial(FIELDS_BY_KEY[key], getattr(record, key)))


def _initial(field: Field, value: object) -> str:
    if value is None:
        return ""
    if field.kind is Kind.YES_NO:
        return YES if value else NO
    if field.kind in _CHOICES:
        return str(value)
    return value_text(field.key, value)


def _form_field(field: Field, required: bool) -> forms.Field:
    attrs = {"data-field": field.key, "aria-describedby": f"errors-{field.key}"}
    if field.kind in _CHOICES:
        return forms.ChoiceField(
            label=field.label,
            required=False,
            choices=[("", "请选择"), *_CHOICES[field.kind]],
            widget=forms.Select(attrs=attrs),
        )
    if field.kind in (Kind.INTEGER, Kind.NUMBER):
        attrs |= {"inputmode": "numeric" if field.kind is Kind.INTEGER else "decimal", "autocomplete": "off"}
    if required:
        attrs["aria-required"] = "true"
    return forms.CharField(
        label=field.label, required=False, empty_value=None, max_length=64, widget=forms.TextInput(attrs=attrs)
    )


@dataclass(frozen=True)
class Row:
    """One input of the record form, with what the template shows around it."""

    bound: BoundField
    unit: str
    required: bool
    warnings: tuple[str, ...] = ()  # the plausibility rules' questions, which never block a save
    carried: bool = False  # pre-filled from last year and not confirmed yet (沿用上年)


@dataclass(frozen=True)
class Group:
    title: str
    rows: tuple[Row, ...]


class RecordForm(forms.Form):
    """A school's figures of one year as text, with an optional reason for the change.

    `required` names the fields the county's standard cannot do without; they are marked, and the
    importer's rules (not this form) say when one is missing.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        record: SchoolRecord | None = None,
        required: Collection[str] = (),
        read_only: bool = False,
    ) -> None:
        initial = None
        if record is not None:
            initial = {f.key: _initial(f, getattr(record, f.key)) for f in RECORD_FIELDS} | {"version": record.version}
        super().__init__(data, initial=initial)
        self.required_keys = frozenset(required) | {f.key for f in RECORD_FIELDS if f.always_required}
        for field in RECORD_FIELDS:
            self.fields[field.key] = _form_field(field, field.key in self.required_keys)
        self.fields["reason"] = forms.CharField(
            label="修改原因",
            required=False,
            max_length=500,
            widget=forms.TextInput(attrs={"placeholder": "选填，例如：更正录入错误、新学期招生变化"}),
        )
        # The record's version the form was opened on: a save over a later version is refused (versions.py).
        self.fields["version"] = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
        if read_only:
            for form_field in self.fields.values():
                form_field.disabled = True
        # Set by the view: the plausibility warnings by field, and the fields still carried from last year.
        self.warnings: Mapping[str, Sequence[str]] = {}
        self.carried: Collection[str] = frozenset()

    def groups(self) -> list[Group]:
        """The inputs in the sections of GROUPS."""
        return [
            Group(
                title,
                tuple(
                    Row(
                        self[key],
                        unit(FIELDS_BY_KEY[key]),
                        key in self.required_keys,
                        tuple(self.warnings.get(key, ())),
                        key in self.carried,
                    )
                    for key in keys
                    if key in self.fields
                ),
            )
            for title, keys in GROUPS
        ]

    def error_count(self) -> int:
        """How many messages the saved form carries, beside its fields and above them."""
        return sum(len(errors) for errors in self.errors.values())

    def focus_first_error(self) -> None:
        """Mark every field with an error invalid and put the cursor in the first, in the form's order
        (`autofocus`: the browser scrolls to it, with or without JavaScript)."""
        invalid = [key for _, keys in GROUPS for key in keys if key in self.errors]
        for key in invalid:
            self.fields[key].widget.attrs["aria-invalid"] = "true"
        if invalid:
            self.fields[invalid[0]].widget.attrs["autofocus"] = True

    def values(self) -> dict[str, str | None]:
        """The figures as typed, None where left empty ("not reported"); call after is_valid()."""
        return {f.key: self.cleaned_data.get(f.key) or None for f in RECORD_FIELDS}

    def version(self) -> int | None:
        """The record's version the form was opened on (None from a client that sent none); after is_valid()."""
        value: int | None = self.cleaned_data.get("version")
        return value

    def add_issues(self, issues: Iterable[DataIssue]) -> None:
        """The importer's messages next to the fields they concern, the rest above the form."""
        by_field, general = issues_by_field(issues)
        for key, messages in by_field.items():
            self.fields[key].widget.attrs["aria-invalid"] = "true"
            for message in messages:
                self.add_error(key, message)
        for message in general:
            self.add_error(None, message)


@dataclass(frozen=True)
class Conflict:
    """A field saved by someone else while the form was open: what the person typed, what is stored now."""

    label: str
    yours: str
    saved: str
    by: str | None
    at: datetime.datetime


def rebased(
    data: Mapping[str, Any], stale: StaleRecord, *, required: Collection[str] = ()
) -> tuple[RecordForm, list[Conflict]]:
    """The form of a refused stale save, made on the record as stored now, and what changed meanwhile.

    The fields saved meanwhile show their stored values (the person's own are in the conflicts, to
    re-apply where they meant to change them too); every other input is kept as typed.
    """
    changed = {m.field: m for m in stale.meanwhile if m.field in FIELDS_BY_KEY}
    kept = dict(data.items())
    kept |= {key: _initial(FIELDS_BY_KEY[key], m.saved) for key, m in changed.items()}
    kept["version"] = str(stale.record.version)
    form = RecordForm(kept, required=required)
    form.is_valid()
    conflicts = [
        Conflict(field_label(key), _typed(FIELDS_BY_KEY[key], data.get(key)), value_text(key, m.saved), m.by, m.at)
        for key, m in changed.items()
    ]
    return form, conflicts


def _typed(field: Field, text: object) -> str:
    """What a person entered in a field's input, as the form shows it: 小学 for the choice primary."""
    if not text:
        return ""
    if field.kind in _CHOICES:
        return dict(_CHOICES[field.kind]).get(str(text), str(text))
    return str(text)


_KEY_BY_COLUMN: dict[str, str] = {
    **{f.key: f.key for f in RECORD_FIELDS},
    **{f.label: f.key for f in RECORD_FIELDS},
}


def issues_by_field(issues: Iterable[DataIssue]) -> tuple[dict[str, list[str]], list[str]]:
    """The importer's messages grouped by the record field they name, and those naming none."""
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for issue in issues:
        key = _KEY_BY_COLUMN.get(issue.column or "")
        if key is None:
            general.append(issue.message)
        else:
            by_field.setdefault(key, []).append(issue.message)
    return by_field, general


class RoundForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=FIRST_YEAR, max_value=LAST_YEAR)


UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".csv")


class ImportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=FIRST_YEAR, max_value=LAST_YEAR, widget=forms.HiddenInput)
    file = DataFileField(label="全县数据文件（.xlsx 或 .csv）", max_bytes=COUNTY_SCHOOL_FILE.bytes)

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(
                f"“{upload.name}”不是 Excel 工作簿或 CSV 文件；请上传 .xlsx 或 .csv 文件（可在 Excel 中“另存为”）"
            )
        return upload


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "审核通过"), ("return", "退回修改")])
    comment = forms.CharField(
        label="审核意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class HistoryFilter(forms.Form):
    """Narrow a school's audit trail to one field or one year."""

    def __init__(self, data: Mapping[str, Any] | None, *, years: Sequence[int]) -> None:
        super().__init__(data)
        fields = [("", "全部字段"), ("status", STATUS_LABEL), *((f.key, f.label) for f in RECORD_FIELDS)]
        self.fields["field"] = forms.ChoiceField(label="字段", required=False, choices=fields)
        years_choices = [("", "全部年度"), *((str(y), f"{y} 年度") for y in years)]
        self.fields["year"] = forms.TypedChoiceField(
            label="年度", required=False, coerce=int, empty_value=None, choices=years_choices
        )
