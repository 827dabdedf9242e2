"""The forms of groups, memberships, pairings, activities, teacher exchanges, evidence files, pairing reviews,
the county's lists and its scorecard; choices limited to the county's schools, groups and lists."""

from __future__ import annotations

from typing import Any

from django import forms

from junheng.web import evidence
from junheng.web.collection.services import standard_for
from junheng.web.groups import services
from junheng.web.groups.models import (
    Activity,
    Group,
    Membership,
    Pairing,
    PairingReview,
    ScorecardItem,
    TeacherExchange,
)
from junheng.web.orgs.models import Organisation
from junheng.web.widgets import DateInput

DATE = DateInput()


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


class TeacherExchangeForm(forms.ModelForm[TeacherExchange]):
    """Both schools are chosen among the group's schools; the model checks they are members on the first day."""

    class Meta:
        model = TeacherExchange
        fields = ["teacher", "from_school", "to_school", "kind", "backbone", "start", "end", "note"]
        widgets = {"start": DATE, "end": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = services.county_schools(group.county).filter(pk__in=group.memberships.values("school"))
        for name in ("from_school", "to_school"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = schools


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料", help_text=evidence.HELP_TEXT)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            evidence.check_file(upload)
        except evidence.EvidenceRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class PairingReviewForm(forms.ModelForm[PairingReview]):
    class Meta:
        model = PairingReview
        fields = ["year", "goals", "outcome", "rating", "note"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        taken = PairingReview.objects.filter(pairing_id=self.instance.pairing_id, year=year).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise forms.ValidationError(f"该结对 {year} 年度的评价已经登记，请在列表中修改原记录")
        return year


class ListEntryForm(forms.Form):
    name = forms.CharField(label="名称", max_length=64)


class ScorecardItemForm(forms.ModelForm[ScorecardItem]):
    """The item's own rules (positive weight, a floor apart from the target…) are `ScorecardItem.clean`."""

    class Meta:
        model = ScorecardItem
        fields = [
            "name",
            "source",
            "indicator",
            "level",
            "weight",
            "rule",
            "higher_is_better",
            "target",
            "floor",
            "data_note",
        ]
        widgets = {"data_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, county: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—（按集团的数据来源不需要）")]
        choices += [(i.id, f"{i.id} {i.short}") for i in standard_for(county).indicators]
        self.fields["indicator"] = forms.ChoiceField(label="指标", choices=choices, required=False)
        self.county = county

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        taken = ScorecardItem.objects.filter(county=self.county, name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"已有名为“{name}”的考核项目")
        return name


class ScorecardEntryForm(forms.Form):
    """A value for a manual item, a group and a year; a second value for the same three replaces the first."""

    item = forms.ModelChoiceField(label="考核项目", queryset=ScorecardItem.objects.none())
    group = forms.ModelChoiceField(label="教育集团", queryset=Group.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    value = forms.DecimalField(label="数值", max_digits=14, decimal_places=4)

    def __init__(self, *args: Any, county: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item = self.fields["item"]
        assert isinstance(item, forms.ModelChoiceField)
        item.queryset = ScorecardItem.objects.filter(county=county, source=ScorecardItem.Source.MANUAL)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = Group.objects.filter(county=county)
