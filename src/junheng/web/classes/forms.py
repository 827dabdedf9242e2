"""The ledger's forms: a row's measures and the import of a term's class lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from junheng.web.classes.models import LedgerRow
from junheng.web.classes.services import DETAILS


class MeasuresForm(forms.ModelForm[LedgerRow]):
    measures = forms.MultipleChoiceField(label="整改措施", required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = LedgerRow
        fields = list(DETAILS)
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}), "cause": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, measures: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measures"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(m, m) for m in measures]


class ImportForm(forms.Form):
    term = forms.CharField(label="学期", max_length=32, help_text="例如 2025秋")
    date = forms.DateField(label="统计日期", widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label="班级名单（Excel 或 CSV）", help_text="列：学校标识码、学段、年级、班级、学生数")
