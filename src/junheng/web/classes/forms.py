"""The ledger's forms: a row's measures and the import of a term's class lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from junheng.io.limits import LABELLED_TABLE
from junheng.web.classes.inputs import Measures
from junheng.web.classes.models import LedgerRow
from junheng.web.classes.services import DETAILS, REASON_LENGTH
from junheng.web.datafiles import DataFileField
from junheng.web.levels import Level
from junheng.web.orgs.models import Organisation
from junheng.web.widgets import DateInput


class MeasuresForm(forms.ModelForm[LedgerRow]):
    measures = forms.MultipleChoiceField(label="整改措施", required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = LedgerRow
        fields = list(DETAILS)
        widgets = {"deadline": DateInput(), "cause": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, measures: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measures"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(m, m) for m in measures]

    def details(self) -> Measures:
        """The cleaned data, typed (after `is_valid`)."""
        data = self.cleaned_data
        return Measures(**{**{key: data[key] for key in DETAILS}, "measures": tuple(data["measures"])})


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="驳回理由", max_length=REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class IntakeForm(forms.Form):
    """A school's planned grade-1 or grade-7 intake; the grade and the classes are checked by the service."""

    school = forms.ModelChoiceField(label="学校", queryset=Organisation.objects.none())
    year = forms.IntegerField(label="招生年份", min_value=2000, max_value=2100)
    level = forms.ChoiceField(label="学段", choices=Level.choices)
    grade = forms.IntegerField(label="起始年级", min_value=1, max_value=9, help_text="小学填 1，初中填 7")
    students = forms.IntegerField(label="计划招生人数", min_value=0)
    classes = forms.IntegerField(label="计划班数", min_value=0)

    def __init__(self, *args: Any, county: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = county.subtree().filter(kind=Organisation.Kind.SCHOOL)


class ImportForm(forms.Form):
    term = forms.CharField(label="学期", max_length=32, help_text="例如 2025秋")
    date = forms.DateField(label="统计日期", widget=DateInput())
    file = DataFileField(
        label="班级名单（Excel 或 CSV）",
        help_text="列：学校标识码、学段、年级、班级、学生数；可选列：乡镇",
        max_bytes=LABELLED_TABLE.bytes,
    )


class IntakeFileForm(forms.Form):
    file = DataFileField(
        label="招生计划（Excel 或 CSV）",
        help_text="列：学校标识码、招生年份、学段、年级、计划招生人数、计划班数",
        max_bytes=LABELLED_TABLE.bytes,
    )
