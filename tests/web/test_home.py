"""The home page of each role as a to-do list, and the navigation around every page (issue 12 §2)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from junheng.assessment import State
from junheng.web.assessment import services as assessment
from junheng.web.classes.models import LedgerRow, Snapshot
from junheng.web.collection.models import Round, SchoolRecord
from junheng.web.collection.services import standard_for
from junheng.web.home import states
from junheng.web.home.modules import MODULES
from junheng.web.orgs.models import Organisation, Role
from junheng.web.survey import services as survey_services
from tests.web.conftest import Tree, make_user
from tests.web.test_dashboards import figures, school, store

YEAR = 2025
Status = SchoolRecord.Status


@dataclass
class Workbench:
    tree: Tree
    office: User
    clerk: User
    overdue: LedgerRow
    closed: LedgerRow


@pytest.fixture
def bench(tree: Tree, users: dict[str, User]) -> Workbench:
    """示范县's 2025 round (deadline 30 June): one school in each state, two not started; a ledger row past
    its deadline and one closed; a survey with two answers of three links."""
    county = tree.county
    Round.objects.create(county=county, year=YEAR, deadline=datetime.date(2025, 6, 30))
    store(tree.school, YEAR, Status.APPROVED, **figures(200))
    returned = store(tree.other_school, YEAR, Status.RETURNED, **figures(300))
    returned.review_comment = "专任教师数与上年相差过大，请核对后重新提交"
    returned.save()
    store(school("示范县第三小学", "4521010003", county), YEAR, Status.SUBMITTED, **figures(250))
    store(school("示范县第四小学", "4521010004", county), YEAR, Status.DRAFT, **figures(150))
    store(school("示范县第五小学", "4521010005", county), YEAR, Status.DRAFT)  # opened by the round, not filled
    school("示范县第六小学", "4521010006", county)  # no record yet
    snapshot = Snapshot.objects.create(county=county, term="2025春", date=datetime.date(2025, 3, 1), school_year=2024)
    row = {"county": county, "school": tree.school, "level": "primary", "cohort": 2023, "found_in": snapshot}
    overdue = LedgerRow.objects.create(
        **row, grade=3, class_name="1班", students_found=52, deadline=datetime.date(2025, 1, 31)
    )
    closed = LedgerRow.objects.create(
        **row,
        grade=3,
        class_name="2班",
        students_found=47,
        deadline=datetime.date(2025, 1, 31),
        status=LedgerRow.Status.CLOSED,
    )
    office = users[Role.COUNTY_OFFICE]
    survey = survey_services.create_survey(
        user=office, county_id=county.pk, year=YEAR, title="示范县满意度调查", resident_population=300_000
    )
    survey_services.set_status(user=office, survey_id=survey.pk, status="open")
    tokens = survey_services.issue_links(user=office, survey_id=survey.pk, group="parents", count=3)
    for token in tokens[:2]:
        questions = survey_services.open_link(token=token).questions
        survey_services.submit_answers(token=token, answers={q.pk: "满意" for q in questions})
    clerk = make_user("clerk-returned", tree.other_school, Role.CLERK)
    clerk.first_name = "王丽"
    clerk.save()
    return Workbench(tree, office, clerk, overdue, closed)


def body(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the county office ----------------------------------------------------------------------------------


def test_the_county_office_sees_each_state_of_its_collection_with_a_link_to_the_filtered_tracker(
    bench: Workbench,
) -> None:
    page = body(bench.office, reverse("home"))
    tracker = reverse("collection:county", args=[bench.tree.county.pk])
    for key, label, count in [
        ("not_started", "未开始", 2),
        ("draft", "填报中", 1),
        ("submitted", "待审核", 1),
        ("returned", "已退回", 1),
        ("approved", "已通过", 1),
    ]:
        link = f'<a href="{tracker}?year={YEAR}&amp;state={key}"><span class="count">{count}</span>'
        assert f'{link}<span class="label">{label}</span></a>' in page
    assert "1 所学校的数据待审核" in page
    assert "2025 年度填报任务填报中，截止 2025年6月30日；共 6 所学校" in visible_text(page)


def test_the_county_office_sees_the_four_dimensions_in_three_states_never_failing_what_is_undecided(
    bench: Workbench,
) -> None:
    """No quality judgement recorded: 教育质量 is 待判定, not 未达标, until one of its items fails."""
    county = bench.tree.county
    state = states.county_state(user=bench.office, county_id=county.pk, year=YEAR)
    assert [d.name for d in state.dimensions] == ["资源配置", "政府保障程度", "教育质量", "社会认可度"]
    quality = next(d for d in state.dimensions if d.key == "quality")
    assert (quality.state, quality.failed) == (State.PENDING, 0)
    assert state.vetoes_unchecked > 0 and state.state is not State.PASSED
    page = visible_text(body(bench.office, reverse("home")))
    assert f"教育质量 待判定 {quality.pending} 项待判定" in page
    assert f"一票否决 未核查 {state.vetoes_unchecked} 项待核查" in page

    q_item = next(i for i in assessment.judgement_items(standard_for(county)) if i.startswith("Q"))
    assessment.record_judgement(user=bench.office, county_id=county.pk, year=YEAR, item_id=q_item, passed=False)
    quality = next(
        d
        for d in states.county_state(user=bench.office, county_id=county.pk, year=YEAR).dimensions
        if d.key == "quality"
    )
    assert (quality.state, quality.failed) == (State.FAILED, 1)


def test_the_county_office_sees_what_awaits_a_decision_and_it_leaves_the_list_once_decided(
    bench: Workbench, users: dict[str, User]
) -> None:
    county = bench.tree.county
    page_url = f"{reverse('assessment:county', args=[county.pk])}?year={YEAR}"
    item = next(iter(assessment.judgement_items(standard_for(county))))
    veto = next(iter(assessment.veto_items(standard_for(county))))
    page = body(bench.office, reverse("home"))
    assert f'<span class="tag">待认定</span> <a href="{page_url}#item-{item}">' in page
    assert f'<span class="tag">一票否决项待核查</span> <a href="{page_url}#veto-{veto}">' in page
    assert "待填报县级数据" in page
    assert f'<span class="tag">待完成满意度调查</span> <a href="{page_url}#item-S1">' not in page  # answers came in
    other = bench.tree.other_county
    no_survey = body(users[Role.SUPERVISOR], reverse("home:organisation", args=[other.pk]) + f"?year={YEAR}")
    survey_item = f"{reverse('assessment:county', args=[other.pk])}?year={YEAR}#item-S1"
    assert f'<span class="tag">待完成满意度调查</span> <a href="{survey_item}">' in no_survey
    assessment.record_judgement(user=bench.office, county_id=county.pk, year=YEAR, item_id=item, passed=True)
    assert f'#item-{item}"' not in body(bench.office, reverse("home"))


def test_the_county_office_sees_the_overdue_ledger_rows_and_the_survey_progress(bench: Workbench) -> None:
    page = body(bench.office, reverse("home"))
    assert "1 条台账已超过整改时限" in page
    assert f'href="{reverse("classes:row", args=[bench.overdue.pk])}"' in page
    assert f'href="{reverse("classes:row", args=[bench.closed.pk])}"' not in page
    assert "已回收 <strong>2</strong> 份" in page
    assert "已发放链接 3 个" in page


def test_the_county_home_costs_a_fixed_number_of_queries(
    bench: Workbench, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(20):
        store(school(f"示范县新校{n}", f"45210190{n:02d}", bench.tree.county), YEAR, Status.SUBMITTED, **figures(100))
    client = Client()
    client.force_login(bench.office)
    # the verdict's reads (about a dozen, 4 more to keep it in the database cache), the collection's two,
    # the round, the ledger, the survey's four
    with django_assert_max_num_queries(35):
        response = client.get(reverse("home"))
    assert "共 26 所学校" in response.content.decode()


# --- the school's clerk ---------------------------------------------------------------------------------


def test_the_clerk_sees_the_form_state_the_deadline_and_the_returned_comment(bench: Workbench) -> None:
    page = body(bench.clerk, reverse("home"))
    text = visible_text(page)
    assert "本校 2025 年度数据： 已退回" in text
    assert "截止日期： 2025年6月30日" in text
    assert "专任教师数与上年相差过大，请核对后重新提交" in text
    assert f'href="{reverse("collection:school", args=[bench.tree.other_school.pk])}?year={YEAR}"' in page


def test_the_clerk_of_a_school_not_yet_started_has_no_comment_to_read(bench: Workbench) -> None:
    fifth = Organisation.objects.get(code="4521010005")
    page = visible_text(body(make_user("clerk-5", fifth, Role.CLERK), reverse("home")))
    assert "本校 2025 年度数据： 未开始" in page
    assert "退回" not in page


# --- city and province ----------------------------------------------------------------------------------


def test_the_city_sees_each_county_with_its_four_dimensions_progress_and_every_module(
    bench: Workbench, users: dict[str, User]
) -> None:
    page = body(users[Role.SUPERVISOR], reverse("home") + f"?year={YEAR}")
    for county in (bench.tree.county, bench.tree.other_county):
        row = page.split(f'<tr id="county-{county.pk}">', 1)[1].split("</tr>", 1)[0]
        assert len(re.findall(r'<td class="state-(passed|failed|pending)"', row)) == 6  # overall, four, veto
        for module in MODULES:
            assert f'href="{reverse(module.county, args=[county.pk])}?year={YEAR}"' in row
    ours = page.split(f'<tr id="county-{bench.tree.county.pk}">', 1)[1].split("</tr>", 1)[0]
    assert ">2 / 6</a>" in ours  # submitted and approved, of six schools


def test_the_province_sees_its_counties_grouped_by_city(bench: Workbench) -> None:
    far_city = Organisation.objects.create(kind="city", name="远市", code="4522", parent=bench.tree.province)
    far_county = Organisation.objects.create(kind="county", name="远县", code="452201", parent=far_city)
    province = make_user("province", bench.tree.province, Role.SUPERVISOR)
    page = body(province, reverse("home") + f"?year={YEAR}")
    cities = re.findall(r"<h2>(.*?)</h2>", page)
    assert cities == ["示范市", "远市"]
    near, far = page.split("<h2>远市</h2>")
    assert f'id="county-{bench.tree.county.pk}"' in near and f'id="county-{bench.tree.other_county.pk}"' in near
    assert f'id="county-{far_county.pk}"' in far


def test_each_county_more_on_the_city_home_costs_the_same_few_queries(
    bench: Workbench, users: dict[str, User], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """The verdict is read once per county (kept evaluations), whatever the number of its schools."""
    client = Client()
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("home") + f"?year={YEAR}"
    # 4 of them to keep a verdict in the database cache, 5 to keep a state (home/kept_states.py), 6 to read
    # every county's inputs of the states and the states kept, 1 to read the kept collection counts and 5
    # to keep them
    with django_assert_max_num_queries(59):
        client.get(url)
    for n in range(3):
        county = Organisation.objects.create(kind="county", name=f"新县{n}", code=f"45219{n}", parent=bench.tree.city)
        for k in range(10):
            store(school(f"新县{n}小学{k}", f"45219{n}{k:04d}", county), YEAR, Status.APPROVED, **figures(100 + k))
    # each county's verdict reads about ten times and keeps it in 6; its collection counts are kept too
    with django_assert_max_num_queries(43 + 3 * 17):
        client.get(url)


# --- navigation -----------------------------------------------------------------------------------------


def _nav(page: str) -> str:
    return page.split('<nav class="modules"', 1)[1].split("</nav>", 1)[0]


def _crumbs(page: str) -> list[str]:
    found = page.split('<ol class="breadcrumbs"', 1)[1].split("</ol>", 1)[0]
    return [visible_text(li).strip() for li in re.findall(r"<li>(.*?)</li>", found)]


def test_every_module_of_the_county_in_view_is_in_the_navigation_the_current_one_marked(bench: Workbench) -> None:
    county = bench.tree.county
    nav = _nav(body(bench.office, f"{reverse('classes:county', args=[county.pk])}?year={YEAR}"))
    for module in MODULES:
        assert f'href="{reverse(module.county, args=[county.pk])}?year={YEAR}"' in nav
    assert re.search(r'class="current" aria-current="page">大班额台账</a>', nav)
    assert nav.count("aria-current") == 1


def test_the_breadcrumbs_go_from_province_to_school_linking_only_where_the_user_may_go(
    bench: Workbench, users: dict[str, User]
) -> None:
    tree = bench.tree
    url = f"{reverse('collection:school', args=[tree.school.pk])}?year={YEAR}"
    office = body(bench.office, url)
    assert _crumbs(office) == ["示范省", "示范市", "示范县", "示范县实验小学", "填报与审核"]
    assert f'<a href="{reverse("home:organisation", args=[tree.county.pk])}">示范县</a>' in office
    assert f'href="{reverse("home:organisation", args=[tree.city.pk])}"' not in office  # above the office
    clerk = body(users[Role.CLERK], url)
    assert f'href="{reverse("home:organisation", args=[tree.county.pk])}"' not in clerk
    nav = _nav(clerk)  # the clerk's modules are the school's own pages
    assert re.findall(r">([^<>]+)</a>", nav) == ["首页", "填报与审核", "资源配置看板"]


def test_a_county_overview_opened_from_the_breadcrumbs_is_the_county_home(
    bench: Workbench, users: dict[str, User]
) -> None:
    page = body(users[Role.SUPERVISOR], reverse("home:organisation", args=[bench.tree.county.pk]))
    assert "示范县 · 2025 年度工作台" in page
    assert _crumbs(page) == ["示范省", "示范市", "示范县"]
    clerk = Client()
    clerk.force_login(users[Role.CLERK])
    assert clerk.get(reverse("home:organisation", args=[bench.tree.county.pk])).status_code == 404


def test_at_a_city_the_modules_lead_to_the_region_page_or_a_county_picker(
    bench: Workbench, users: dict[str, User]
) -> None:
    city = bench.tree.city
    nav = _nav(body(users[Role.SUPERVISOR], reverse("home")))
    assert f'href="{reverse("dashboards:region", args=[city.pk])}?year={YEAR}"' in nav
    picker = reverse("home:counties", args=[city.pk, "planning"])
    assert f'href="{picker}?year={YEAR}"' in nav
    page = body(users[Role.SUPERVISOR], f"{picker}?year={YEAR}")
    assert re.search(r'class="current" aria-current="page">达标规划</a>', _nav(page))
    for county in (bench.tree.county, bench.tree.other_county):
        assert f'<a href="{reverse("planning:county", args=[county.pk])}?year={YEAR}">{county.name}</a>' in page


def test_the_year_selector_reloads_the_same_page_keeping_its_other_parameters(bench: Workbench) -> None:
    url = reverse("classes:county", args=[bench.tree.county.pk])
    page = body(bench.office, f"{url}?year=2024&view=schools")
    picker = page.split('<form method="get" action="', 1)[1].split("</form>", 1)[0]
    assert picker.startswith(f'{url}" class="year-picker"')
    assert '<input type="hidden" name="view" value="schools">' in picker
    assert '<option value="2024" selected>2024 年</option>' in picker
    assert '<option value="2025">2025 年</option>' in picker


def test_the_year_selector_of_a_page_answered_to_a_post_goes_back_to_its_module_page(bench: Workbench) -> None:
    county = bench.tree.county
    client = Client()
    client.force_login(bench.office)
    response = client.post(reverse("assessment:figures", args=[county.pk, YEAR]), {"teachers_rotated": "-3"})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'<form method="get" action="{reverse("assessment:county", args=[county.pk])}" class="year-picker"' in page


def test_the_header_names_the_user_by_full_name_with_the_organisation_and_a_favicon(bench: Workbench) -> None:
    page = body(bench.clerk, reverse("home"))
    assert '<span class="who">王丽</span>' in page
    assert "clerk-returned" not in page
    assert '<span class="member-of">示范县第二小学 · 学校填报员</span>' in page
    assert re.search(r'<link rel="icon" href="/static/junheng/favicon\.[0-9a-f.]*svg"', page) or (
        '<link rel="icon" href="/static/junheng/favicon.svg"' in page
    )


def test_the_respondent_page_stays_without_navigation(bench: Workbench) -> None:
    survey = bench.tree.county.surveys.get()
    token = survey_services.issue_links(user=bench.office, survey_id=survey.pk, group="parents", count=1)[0]
    page = Client().get(reverse("survey:respond", args=[token])).content.decode()
    assert 'class="modules"' not in page and "year-picker" not in page


def test_a_page_below_a_module_links_back_to_the_module_in_its_breadcrumbs(bench: Workbench) -> None:
    county = bench.tree.county
    page = body(bench.office, reverse("groups:scorecard", args=[county.pk]))
    assert _crumbs(page) == ["示范省", "示范市", "示范县", "集团化办学"]
    assert f'<li><a href="{reverse("groups:county", args=[county.pk])}?year={YEAR}">集团化办学</a></li>' in page
    own = body(bench.office, reverse("groups:county", args=[county.pk]))
    assert '<li><span aria-current="page">集团化办学</span></li>' in own


def test_a_page_not_found_keeps_the_modules_but_offers_no_year(bench: Workbench) -> None:
    client = Client()
    client.force_login(bench.office)
    page = client.get("/classes/row/999999/").content.decode()
    assert "没有找到" in page and 'class="modules"' in page
    assert "year-picker" not in page and "breadcrumbs" not in page


def test_a_superuser_without_a_membership_starts_from_the_provinces(tree: Tree) -> None:
    admin = User.objects.create_superuser("root", password="pw-root")
    page = body(admin, reverse("home"))
    assert f'<a href="{reverse("home:organisation", args=[tree.province.pk])}">示范省</a>' in page
    province = body(admin, reverse("home:organisation", args=[tree.province.pk]))
    assert f'id="county-{tree.county.pk}"' in province


def test_a_ledger_row_is_shown_under_its_school_for_a_city_supervisor(bench: Workbench, users: dict[str, User]) -> None:
    page = body(users[Role.SUPERVISOR], reverse("classes:row", args=[bench.overdue.pk]))
    assert _crumbs(page) == ["示范省", "示范市", "示范县", "示范县实验小学", "大班额台账"]
    assert f'href="{reverse("classes:county", args=[bench.tree.county.pk])}"' in _nav(page)
