"""The forms of the county's evaluation page: county figures (labels from the standard's catalogue),
a judgement and a veto check. Evidence files come as `files` (several allowed) beside the last two."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

FLAG_CHOICES = [("", "未填报"), ("是", "是"), ("否", "否")]


class FiguresForm(forms.Form):
    """One field per entry of [county_figures]; a blank field means "not entered"."""

    def __init__(self, *args: Any, catalogue: Mapping[str, Mapping[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, spec in catalogue.items():
            label = spec["label"] + (f"（{spec['unit']}）" if spec["unit"] else "")
            if spec["kind"] == "flag":
                self.fields[key] = forms.ChoiceField(label=label, choices=FLAG_CHOICES, required=False)
            else:
                self.fields[key] = forms.DecimalField(label=label, min_value=0, required=False)

    @staticmethod
    def initial_from(figures: Mapping[str, Any]) -> dict[str, Any]:
        """The stored figures as the form shows them: flags as 是/否."""
        return {k: ("是" if val else "否") if isinstance(val, bool) else val for k, val in figures.items()}


class JudgementForm(forms.Form):
    decision = forms.ChoiceField(label="认定结果", choices=[("pass", "达标"), ("fail", "未达标")])
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VetoForm(forms.Form):
    applies = forms.ChoiceField(label="是否存在该情形", choices=[("no", "否（不存在）"), ("yes", "是（存在）")])
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
