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

    def budget_yuan(self) -> float | None:
        """The budget asked for, once the form is valid; None for the cheapest plan without a budget."""
        value = self.cleaned_data.get("budget")
        return None if value is None else float(value)
