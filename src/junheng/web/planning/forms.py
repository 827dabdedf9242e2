"""The plan page's one input: an optional budget."""

from __future__ import annotations

from decimal import Decimal

from django import forms


class BudgetForm(forms.Form):
    budget = forms.DecimalField(
        label="预算（元）",
        required=False,
        min_value=Decimal(0),
        max_digits=15,
        decimal_places=2,
        help_text="留空：求使全县达标的最低费用方案；填写：在预算内使尽可能多的学校达标。",
    )

    target_year = forms.IntegerField(
        label="目标年度",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="留空：按本年度数据规划；填写：按在校生推算到该年度，并使全县在该年度达标。",
    )
    yearly_budget = forms.DecimalField(
        label="每年预算（元）",
        required=False,
        min_value=Decimal(0),
        max_digits=15,
        decimal_places=2,
        help_text="与目标年度一起使用：把措施按年度分期安排，每年不超过该预算。",
    )

    def __init__(self, *args: object, year: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.year = year

    def clean_target_year(self) -> int | None:
        target: int | None = self.cleaned_data.get("target_year")
        if target is not None and self.year is not None and target <= self.year:
            raise forms.ValidationError(f"目标年度应晚于 {self.year} 年")
        return target

    def clean(self) -> dict[str, object]:
        cleaned: dict[str, object] = super().clean() or {}
        if cleaned.get("yearly_budget") is not None and cleaned.get("target_year") is None:
            self.add_error("yearly_budget", "每年预算需与目标年度一起填写")
        return cleaned

    def yearly_budget_yuan(self) -> float | None:
        value = self.cleaned_data.get("yearly_budget")
        return None if value is None else float(value)

    def budget_yuan(self) -> float | None:
        """The budget asked for, once the form is valid; None for the cheapest plan without a budget."""
        value = self.cleaned_data.get("budget")
        return None if value is None else float(value)
