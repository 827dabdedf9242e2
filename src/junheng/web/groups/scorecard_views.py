"""The county's bundled-evaluation scorecard (捆绑考核): the scores of a year, and the county office's forms
for the items and the entered values. `groups.scorecards` decides who may do what and computes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from junheng.web.groups import scorecards, services
from junheng.web.groups.forms import ScorecardEntryForm, ScorecardItemForm
from junheng.web.groups.inputs import EntryDetails, ItemDetails
from junheng.web.groups.models import ScorecardItem
from junheng.web.orgs import lookups, scope
from junheng.web.years import asked_year


@login_required
def scorecard(request: HttpRequest, county_id: int) -> HttpResponse:
    """Every group's score of a year, item by item; items without data show 未取得数据."""
    page = scorecards.scorecard(user=request.user, county_id=county_id, year=asked_year(request))
    context = {
        "page": page,
        "county": page.county,
        "year": page.year,
        "years": page.years,  # the years with scores, offered by the navigation's year selector
        "can_manage": scope.can_manage(request.user, page.county),
    }
    return render(request, "groups/scorecard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_item(request: HttpRequest, county_id: int | None = None, item_id: int | None = None) -> HttpResponse:
    existing: ScorecardItem | None = None
    if item_id is not None:
        existing = scorecards.item(user=request.user, item_id=item_id)
        county = existing.county
    else:
        assert county_id is not None, "the URL names the county or the object"
        county = lookups.visible_county(request.user, county_id)
        services.require_manager(request.user, county)
    form = ScorecardItemForm(request.POST or None, instance=existing, county=county)
    if request.method == "POST" and form.is_valid():
        saved = scorecards.save_item(
            user=request.user, county_id=county.pk, details=ItemDetails(**form.cleaned_data), item_id=item_id
        )
        messages.success(request, f"已保存考核项目“{saved.name}”")
        return redirect("groups:scorecard", county.pk)
    title = f"修改考核项目 {existing.name}" if existing else "新增捆绑考核项目"
    return render(request, "groups/form.html", {"county": county, "form": form, "title": title})


@login_required
@require_POST
def delete_item(request: HttpRequest, item_id: int) -> HttpResponse:
    removed = scorecards.delete_item(user=request.user, item_id=item_id)
    messages.success(request, f"已删除考核项目“{removed.name}”及其录入值")
    return redirect("groups:scorecard", removed.county_id)


@login_required
@require_http_methods(["GET", "POST"])
def enter_value(request: HttpRequest, county_id: int) -> HttpResponse:
    """Enter the value of a manual item for a group and a year (a second entry replaces the first)."""
    county = lookups.visible_county(request.user, county_id)
    services.require_manager(request.user, county)
    form = ScorecardEntryForm(request.POST or None, county=county)
    if request.method == "POST" and form.is_valid():
        saved = scorecards.save_entry(user=request.user, county_id=county.pk, entry=EntryDetails(**form.cleaned_data))
        messages.success(request, f"已录入 {saved.group} {saved.year} 年“{saved.item}”：{saved.value.normalize()}")
        return redirect(f"{reverse('groups:scorecard', args=[county.pk])}?year={saved.year}")
    return render(request, "groups/form.html", {"county": county, "form": form, "title": "录入考核数值"})
