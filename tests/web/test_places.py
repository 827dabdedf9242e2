"""School places pages (issue 6 part 3): uploads with per-cell errors, the table, the map, scope × role."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.orgs.models import Role
from junheng.web.places import services
from junheng.web.places.models import Births, Catchment, HousingDelivery, Residents, SchoolCapacity
from tests.builders import primary_school
from tests.web.conftest import Tree

WEB = Path(__file__).resolve().parents[2] / "src" / "junheng" / "web"
GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "城东学区", "level": "小学"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[108.0, 22.0], [108.1, 22.0], [108.1, 22.1], [108.0, 22.0]]],
            },
        },
        {"type": "Feature", "properties": {"name": "城西学区", "level": "初中"}, "geometry": None},
    ],
}
CAPACITIES = (
    "学校标识码,年度,小学学区,初中学区,小学设计班数,初中设计班数,小学标准班额,初中标准班额,纬度,经度\n"
    "4521010001,2025,城东学区,,24,0,,,22.05,108.05\n"
    "4521010002,2025,城东学区,,0,0,,,,\n"
)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, name: str, text: str) -> object:
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


@pytest.fixture
def office(tree: Tree, users: dict[str, User]) -> Client:
    client = _client(users[Role.COUNTY_OFFICE])
    _post(client, reverse("places:catchments", args=[tree.county.pk]), "c.geojson", json.dumps(GEOJSON))
    return client


def test_catchments_geojson_is_stored_with_the_outline_and_level(tree: Tree, office: Client) -> None:
    east = Catchment.objects.get(county=tree.county, name="城东学区")
    assert (east.level, json.loads(east.geometry)["type"]) == ("primary", "Polygon")
    assert Catchment.objects.get(name="城西学区").geometry == ""


def test_invalid_geojson_is_refused_and_nothing_stored(tree: Tree, users: dict[str, User]) -> None:
    client = _client(users[Role.COUNTY_OFFICE])
    url = reverse("places:catchments", args=[tree.county.pk])
    assert "不是有效的 JSON" in _post(client, url, "c.geojson", "{oops").content.decode()  # type: ignore[attr-defined]
    bad = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "甲", "level": "高中"},
                "geometry": {"type": "Point", "coordinates": [1, 2]},
            }
        ],
    }
    page = _post(client, url, "c.geojson", json.dumps(bad)).content.decode()  # type: ignore[attr-defined]
    assert "properties.level" in page and "Polygon" in page
    assert not Catchment.objects.exists()


def test_the_county_page_shows_places_demand_gap_and_warning(tree: Tree, office: Client) -> None:
    county = tree.county.pk
    _post(office, reverse("places:upload", args=[county, "capacities"]), "cap.csv", CAPACITIES)
    births = "学区,出生年度,口径,出生人口\n" + "".join(
        f"城东学区,{y},户籍,110\n城东学区,{y},常住,150\n" for y in range(2014, 2020)
    )
    _post(office, reverse("places:upload", args=[county, "births"]), "b.csv", births)
    _post(
        office,
        reverse("places:upload", args=[county, "housing"]),
        "h.csv",
        "学区,交付年度,交付户数\n城东学区,2025,1000\n",
    )
    _post(office, reverse("places:upload", args=[county, "residents"]), "r.csv", "年度,常住人口\n2025,10000\n")
    assert SchoolCapacity.objects.count() == 2 and Births.objects.count() == 12
    assert HousingDelivery.objects.get().households == 1000 and Residents.objects.get().residents == 10000
    # 24 × 45 = 1,080 places; 户籍 births 6 × 110 = 660 + housing 330 = 990, 91.7 % → yellow.
    page = office.get(reverse("places:county", args=[county]), {"method": "户籍"}).content.decode()
    row = re.search(r'data-catchment="城东学区" data-year="2025">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells[3:] == ["1,080", "660", "330", "990", "90", "黄色"]
    # 常住 births 6 × 150 = 900 + 330 = 1,230 ≥ 100 % → red: the series are kept apart.
    page = office.get(reverse("places:county", args=[county]), {"method": "常住"}).content.decode()
    assert "红色" in page and "1230" in page and "-150" in page
    # 1,080 primary places per 10,000 residents = 108.0 per 1,000 against 80.
    assert "108.0" in page


def test_an_upload_with_bad_cells_lists_each_and_stores_nothing(tree: Tree, office: Client) -> None:
    text = (
        "学校标识码,年度,小学学区,初中学区,小学设计班数,初中设计班数,小学标准班额,初中标准班额,纬度,经度\n"
        "4521010001,2025,城东学区,,24,0,,,22.05,108.05\n"
        "4521020001,25,无此学区,,二十,0,,,95,108\n"
    )
    response = _post(office, reverse("places:upload", args=[tree.county.pk, "capacities"]), "cap.csv", text)
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "未保存任何数据" in page
    for column in ("年度", "小学设计班数", "纬度"):
        assert f"<td>3</td><td>{column}</td>" in page
    assert not SchoolCapacity.objects.exists()
    text = CAPACITIES.splitlines()[0] + "\n4521020001,2025,无此学区,,20,0,,,,\n"
    page = _post(office, reverse("places:upload", args=[tree.county.pk, "capacities"]), "c.csv", text).content.decode()  # type: ignore[attr-defined]
    assert "不是示范县的学校" in page and "学区“无此学区”不存在" in page
    assert not SchoolCapacity.objects.exists()


def test_the_map_draws_catchments_by_warning_from_local_leaflet(tree: Tree, office: Client) -> None:
    _post(office, reverse("places:upload", args=[tree.county.pk, "capacities"]), "cap.csv", CAPACITIES)
    page = office.get(reverse("places:map", args=[tree.county.pk])).content.decode()
    assert "/static/junheng/vendor/leaflet/leaflet.js" in page and "/static/junheng/places.js" in page
    data = json.loads(re.search(r'id="places-data"[^>]*>(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    outlines = {f["properties"]["name"]: f["geometry"] is not None for f in data["catchments"]["features"]}
    assert outlines == {"城东学区": True, "城西学区": False}
    assert [(s["name"], s["lat"], s["lon"], s["rule"]) for s in data["schools"]] == [
        ("示范县实验小学", 22.05, 108.05, "待判定"),
        ("示范县第二小学", None, None, "待判定"),
    ]


@pytest.mark.parametrize("name", ["places:county", "places:map", "places:catchments"])
def test_a_foreign_county_is_404_for_everyone_below_the_city(tree: Tree, users: dict[str, User], name: str) -> None:
    client = _client(users[Role.COUNTY_OFFICE])
    assert client.get(reverse(name, args=[tree.other_county.pk])).status_code == 404


@pytest.mark.parametrize(
    ("role", "read", "status"),
    [
        (Role.CLERK, 404, 404),  # a school's clerk does not reach the county
        (Role.SUPERVISOR, 200, 403),
        (Role.OBSERVER, 200, 403),
        (Role.COUNTY_OFFICE, 200, 302),
    ],
)
def test_only_the_county_office_may_upload(
    tree: Tree, users: dict[str, User], role: str, read: int, status: int
) -> None:
    client = _client(users[role])
    assert client.get(reverse("places:county", args=[tree.county.pk])).status_code == read
    url = reverse("places:upload", args=[tree.county.pk, "residents"])
    assert _post(client, url, "r.csv", "年度,常住人口\n2025,10000\n").status_code == status  # type: ignore[attr-defined]
    assert Residents.objects.exists() is (status == 302)


def test_leaflet_is_served_from_static_with_its_licence(client: Client) -> None:
    response = client.get("/static/junheng/vendor/leaflet/leaflet.js")
    assert response.status_code == 200
    assert b"Leaflet 1.9.4" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert client.get("/static/junheng/vendor/leaflet/leaflet.css").status_code == 200
    assert (
        "BSD" in (WEB / "static" / "junheng" / "vendor" / "leaflet" / "LICENSE").read_text()
        or "Copyright" in (WEB / "static" / "junheng" / "vendor" / "leaflet" / "LICENSE").read_text()
    )


def test_no_template_or_script_of_places_names_a_tile_server_or_cdn() -> None:
    paths = [*(WEB / "places" / "templates").rglob("*.html"), WEB / "static" / "junheng" / "places.js"]
    remote = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|tile\.openstreetmap|\{z\}/\{x\}/\{y\}|tileLayer", re.I)
    assert [str(p) for p in paths for _ in remote.finditer(p.read_text("utf-8"))] == []


def test_demand_from_the_schools_own_enrolment_projected(tree: Tree, users: dict[str, User], office: Client) -> None:
    """With the projection method, a catchment's demand is its schools' students (this year, then projected)."""
    for school, students in ((tree.school, 600), (tree.other_school, 300)):
        figures = primary_school(school.code, students=students)
        record = SchoolRecord(school=school, year=2025)
        for field in RECORD_FIELDS:
            setattr(record, field.key, figures.get(field.key))
        record.save()
    _post(office, reverse("places:upload", args=[tree.county.pk, "capacities"]), "cap.csv", CAPACITIES)
    table = services.county_places(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk).gaps
    row = table.filter((table["catchment"] == "城东学区") & (table["year"] == 2025)).row(0, named=True)
    assert row["base"] == 900  # 600 + 300 students of the two schools in 城东学区
    assert row["places"] == 1080
    # demand is projected five years ahead ([places].horizon_years); the 2025 places stand until changed
    east = table.filter(table["catchment"] == "城东学区")
    assert east["year"].to_list() == [2025, 2026, 2027, 2028, 2029, 2030]
    assert set(east["places"].to_list()) == {1080} and east["base"].null_count() == 0


def _row(page: str, scope: str, name: str, year: int) -> list[str]:
    found = re.search(rf'data-scope="{scope}" data-catchment="{name}" data-year="{year}">(.*?)</tr>', page, re.S)
    assert found is not None, (scope, name, year)
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1))]


def test_county_births_without_a_catchment_give_a_county_row_beside_the_catchments(tree: Tree, office: Client) -> None:
    """County 户籍 births 300 a year (2014–2019) → 1,800 primary pupils in 2025, plus 城东's 1,000 new homes
    → 330: 2,130 against all the county's places, 24 × 45 + 20 × 45 = 1,980 → red, 150 short. 城东's own
    births (110 a year → 660) stay in its own row and are not added to the county's."""
    county = tree.county.pk
    capacities = CAPACITIES.replace("4521010002,2025,城东学区,,0,0,,,,", "4521010002,2025,,,20,0,,,,")
    _post(office, reverse("places:upload", args=[county, "capacities"]), "cap.csv", capacities)
    births = "学区,出生年度,口径,出生人口\n" + "".join(
        f",{y},户籍,300\n城东学区,{y},户籍,110\n" for y in range(2014, 2020)
    )
    _post(office, reverse("places:upload", args=[county, "births"]), "b.csv", births)
    _post(
        office,
        reverse("places:upload", args=[county, "housing"]),
        "h.csv",
        "学区,交付年度,交付户数\n城东学区,2025,1000\n",
    )
    assert Births.objects.filter(catchment__isnull=True).count() == 6
    page = office.get(reverse("places:county", args=[county]), {"method": "户籍"}).content.decode()
    assert _row(page, "county", "全县", 2025) == [
        "全县",
        "小学",
        "2025",
        "1,980",
        "1,800",
        "330",
        "2,130",
        "-150",
        "红色",
    ]
    # 城东: 1,080 places against 660 + 330 = 990 (91.7 %) → yellow, as without the county figure.
    assert _row(page, "catchment", "城东学区", 2025)[3:] == ["1,080", "660", "330", "990", "90", "黄色"]
    assert page.index('data-scope="county"') < page.index('data-scope="catchment"')
    # The 常住 series has no county figure: no county row, never the 户籍 one.
    page = office.get(reverse("places:county", args=[county]), {"method": "常住"}).content.decode()
    assert 'data-scope="county"' not in page


def test_a_births_upload_names_each_bad_cell_and_stores_nothing(tree: Tree, office: Client) -> None:
    text = "学区,出生年度,口径,出生人口\n,2019,户籍,300\n无此学区,2019,户籍,100\n,19,户口,三百\n,2019,户籍,310\n"
    page = _post(office, reverse("places:upload", args=[tree.county.pk, "births"]), "b.csv", text).content.decode()  # type: ignore[attr-defined]
    assert "未保存任何数据" in page
    assert "<td>3</td><td>学区</td><td>无此学区</td><td>学区“无此学区”不存在" in page
    assert "<td>4</td><td>出生年度</td><td>19</td><td>“19”不正确：应为四位年度" in page
    assert "<td>4</td><td>口径</td><td>户口</td><td>“户口”不正确：应为“户籍”或“常住”" in page
    assert "<td>4</td><td>出生人口</td><td>三百</td><td>“三百”不正确：应为非负整数" in page
    assert "学区“（空）”、出生年度“2019”、口径“户籍”与第 2 行重复" in page
    assert not Births.objects.exists()


def test_residents_of_zero_are_refused(tree: Tree, office: Client) -> None:
    url = reverse("places:upload", args=[tree.county.pk, "residents"])
    page = _post(office, url, "r.csv", "年度,常住人口\n2025,0\n").content.decode()  # type: ignore[attr-defined]
    assert "<td>2</td><td>常住人口</td><td>0</td><td>“0”不正确：应为正整数" in page
    assert not Residents.objects.exists()


def test_the_database_keeps_one_county_births_figure_per_year_and_series(tree: Tree) -> None:
    Births.objects.create(county=tree.county, catchment=None, year=2019, series="户籍", births=300)
    Births.objects.create(county=tree.county, catchment=None, year=2019, series="常住", births=320)
    with pytest.raises(IntegrityError), transaction.atomic():
        Births.objects.create(county=tree.county, catchment=None, year=2019, series="户籍", births=301)


def test_a_county_missing_residents_and_early_capacities_sees_what_to_upload(tree: Tree, office: Client) -> None:
    """Capacities only from 2026 and residents only for 2025: the 2025 places are unknown (not 0, not red)
    and 2026 has no residents; the page says which upload is missing instead of failing."""
    county = tree.county.pk
    _post(office, reverse("places:upload", args=[county, "capacities"]), "cap.csv", CAPACITIES.replace("2025", "2026"))
    births = "学区,出生年度,口径,出生人口\n" + "".join(f"城东学区,{y},户籍,100\n" for y in range(2014, 2020))
    _post(office, reverse("places:upload", args=[county, "births"]), "b.csv", births)
    _post(office, reverse("places:upload", args=[county, "residents"]), "r.csv", "年度,常住人口\n2025,10000\n")
    page = office.get(reverse("places:county", args=[county]), {"method": "户籍"}).content.decode()
    assert _row(page, "catchment", "城东学区", 2025)[3:] == ["未上传学位", "600", "0", "600", "—", "—"]
    per_1000 = page[page.index('id="per-1000"') :]
    cells = re.search(r'data-year="2026" data-level="primary">(.*?)</tr>', per_1000, re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r"<td[^>]*>(.*?)</td>", cells) == ["2026", "小学", "1,080", "未上传常住人口", "—", "80", "—"]
    assert '<td>2025</td><td>小学</td><td class="num">未上传学位</td><td class="num">10,000</td>' in per_1000


NINE_YEAR = (
    "学校标识码,年度,小学学区,初中学区,小学设计班数,初中设计班数,小学标准班额,初中标准班额,纬度,经度\n"
    "4521010001,2025,城东学区,城西学区,24,9,,,22.05,108.05\n"
)


def test_a_nine_year_school_serves_a_primary_and_a_junior_catchment(
    tree: Tree, office: Client, users: dict[str, User]
) -> None:
    """24 primary classes × 45 go to 城东学区 and 9 junior classes × 50 to 城西学区, each in its own 学段."""
    _post(office, reverse("places:upload", args=[tree.county.pk, "capacities"]), "cap.csv", NINE_YEAR)
    stored = SchoolCapacity.objects.get()
    assert (stored.catchment_primary.name, stored.catchment_junior.name) == ("城东学区", "城西学区")  # type: ignore[union-attr]
    table = services.capacity_table(list(SchoolCapacity.objects.select_related("school")))
    places = {(r["catchment"], r["level"]): r["design_classes"] for r in table.iter_rows(named=True)}
    assert places == {("城东学区", "primary"): 24, ("城西学区", "junior"): 9}
    county_map = services.map_data(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk)
    school = next(s for s in county_map.schools if s.code == "4521010001")
    assert school.catchment == "城东学区、城西学区"


def test_a_catchment_in_the_column_of_the_other_level_is_refused(tree: Tree, office: Client) -> None:
    text = NINE_YEAR.replace("城东学区,城西学区", "城西学区,城东学区")
    response = _post(office, reverse("places:upload", args=[tree.county.pk, "capacities"]), "cap.csv", text)
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "学区“城西学区”是初中学区，不能填在“小学学区”列" in page
    assert "学区“城东学区”是小学学区，不能填在“初中学区”列" in page
    assert not SchoolCapacity.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_a_stored_catchment_to_the_field_of_its_level() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from junheng.web.orgs.models import Organisation

    before = ("places", "0002_births_one_county_births_per_year")
    after = ("places", "0003_capacity_catchment_per_level")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    schools = [
        Organisation.objects.create(kind="school", name=f"学校{i}", code=f"452101000{i}", parent=county) for i in (1, 2)
    ]
    catchment = old.get_model("places", "Catchment")
    east = catchment.objects.create(county_id=county.pk, name="城东学区", level="primary")
    west = catchment.objects.create(county_id=county.pk, name="城西学区", level="junior")
    capacity = old.get_model("places", "SchoolCapacity")
    capacity.objects.create(school_id=schools[0].pk, year=2025, catchment_id=east.pk, design_classes_primary=24)
    capacity.objects.create(school_id=schools[1].pk, year=2025, catchment_id=west.pk, design_classes_junior=9)
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    moved = {c.school.code: (c.catchment_primary_id, c.catchment_junior_id) for c in SchoolCapacity.objects.all()}
    assert moved == {"4521010001": (east.pk, None), "4521010002": (None, west.pk)}


def test_form_labels_end_in_a_chinese_colon(tree: Tree, office: Client) -> None:
    page = office.get(reverse("places:upload", args=[tree.county.pk, "residents"])).content.decode()
    assert "文件（CSV 或 Excel）：</label>" in page
    assert "文件（CSV 或 Excel）:</label>" not in page


def test_an_english_browser_gets_the_same_chinese_pages(tree: Tree, office: Client) -> None:
    url = reverse("places:upload", args=[tree.county.pk, "residents"])
    page = office.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "文件（CSV 或 Excel）：</label>" in page
    refused = office.post(url, {"sent": "without a file"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "这个字段是必填项。" in refused and "This field is required." not in refused
