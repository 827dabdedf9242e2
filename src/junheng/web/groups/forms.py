"""The forms of groups, memberships, pairings and activities; choices limited to the county's schools and lists."""

from __future__ import annotations

from typing import Any

from django import forms

from junheng.web.groups import services
from junheng.web.groups.models import Activity, Group, Membership, Pairing
from junheng.web.orgs.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"})


def _schools(form: forms.ModelForm[Any], county: Organisation, *fields: str) -> None:
    for name in fields:
        field = form.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = services.county_schools(county)


class GroupForm(forms.ModelForm[Group]):
    class Meta:
        model = Group
        fields = [
            "name",
            "type",
            "form",
            "lead_school",
            "document_number",
            "recognition",
            "recognition_batch",
            "recognition_year",
        ]

    def __init__(self, *args: Any, county: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _schools(self, county, "lead_school")
        field = self.fields["type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = services.group_types(county)


class MembershipForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ["school", "role", "joined", "left"]
        widgets = {"joined": DATE, "left": DATE}

    def __init__(self, *args: Any, county: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _schools(self, county, "school")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("left") and data.get("joined") and data["left"] < data["joined"]:
            self.add_error("left", "退出日期不能早于加入日期")
        return data


class PairingForm(forms.ModelForm[Pairing]):
    class Meta:
        model = Pairing
        fields = ["helper", "helped", "start", "end", "goals"]
        widgets = {"start": DATE, "end": DATE, "goals": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, county: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _schools(self, county, "helper", "helped")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("helper") is not None and data.get("helper") == data.get("helped"):
            self.add_error("helped", "帮扶学校和受援学校不能是同一所学校")
        if data.get("end") and data.get("start") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return data


class ActivityForm(forms.ModelForm[Activity]):
    class Meta:
        model = Activity
        fields = ["date", "kind", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, county: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = services.activity_kinds(county)
