"""The demo county's working ledgers: education groups and their scorecard, the class-size ledger and the
school places, made from the synthetic figures and stored through the apps' own services.

Everything here is invented for the demo and deterministic in `seed`; the scorecard's weights and targets
are the demo's choice, labelled 示例 (a county sets its own). The class lists cover three terms so that the
ledger shows every stage: a class over its limit in 2024春 and within it since is proposed for closing
after 2025春 (the standard's `closing_snapshots` is 2).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np
import polars as pl
from django.contrib.auth.models import User

from junheng.engine.class_size import START_GRADES, school_year
from junheng.engine.places import GRADES
from junheng.web.classes import intakes
from junheng.web.classes import services as classes
from junheng.web.classes.inputs import Measures
from junheng.web.classes.models import ClassRecord, LedgerRow, Snapshot
from junheng.web.demo_places import URBAN_TOWNSHIP, load_places
from junheng.web.groups import scorecards
from junheng.web.groups import services as groups
from junheng.web.groups.inputs import (
    ActivityDetails,
    ExchangeDetails,
    GroupDetails,
    ItemDetails,
    MembershipDetails,
    PairingDetails,
    ReviewDetails,
)
from junheng.web.groups.models import ActivityKind, GroupType, Membership, ScorecardItem, TeacherExchange
from junheng.web.orgs.models import Organisation

# The three terms of class lists, in date order.
TERMS = [
    ("2024春", datetime.date(2024, 3, 31)),
    ("2024秋", datetime.date(2024, 9, 30)),
    ("2025春", datetime.date(2025, 3, 31)),
]
D = datetime.date


def load_demo_ledgers(county: Organisation, table: pl.DataFrame, *, seed: int, office: User) -> None:
    """Groups, pairings and a scorecard; three terms of class lists and the ledger they open; catchments,
    capacities, births, housing and residents, for `county` (its rows of `table`, latest year), entered
    as `office` (the county's supervision office)."""
    rng = np.random.default_rng(seed)
    latest = table.filter((pl.col("county_code") == county.code) & (pl.col("year") == pl.col("year").max()))
    schools = {s.code: s for s in county.subtree().filter(kind=Organisation.Kind.SCHOOL)}
    rows = {r["school_id"]: r for r in latest.iter_rows(named=True)}
    for code, school in schools.items():
        school.township = _township(school.name, rows[code]["area_type"])
    Organisation.objects.bulk_update(schools.values(), ["township"])
    cast = _Cast.of(latest, schools)
    _groups(county, cast, office)
    _class_ledger(county, latest, schools, cast, rng, office)
    load_places(county, latest, schools, rng, office)


def _township(name: str, area_type: str) -> str:
    """The township a synthetic school's name starts with (e.g. 通和镇, 黄阜乡); county-town schools are in
    城关镇."""
    found = re.match(r"^(.{1,3}?[镇乡])", name)
    return URBAN_TOWNSHIP if area_type == "urban" or found is None else found.group(1)


AREAS = {"urban": 0, "town": 1, "rural": 2}


@dataclass(frozen=True)
class _Cast:
    """The schools the demo's stories are about: those teaching each 学段, the county town's first and,
    within each place, the biggest first (a demo county with few schools tells fewer stories)."""

    primary: list[Organisation]
    junior: list[Organisation]

    @classmethod
    def of(cls, latest: pl.DataFrame, schools: dict[str, Organisation]) -> _Cast:
        def ranked(level: str, types: list[str]) -> list[Organisation]:
            chosen = latest.filter(pl.col("school_type").is_in(types) & (pl.col(f"students_{level}") > 0))
            order = chosen.with_columns(pl.col("area_type").replace_strict(AREAS, return_dtype=pl.Int64).alias("area"))
            by_size = order.sort("area", f"students_{level}", "school_id", descending=[False, True, False])
            return [schools[code] for code in by_size["school_id"]]

        return cls(
            primary=ranked("primary", ["primary", "nine_year", "teaching_point"]),
            junior=ranked("junior", ["junior", "complete_middle", "nine_year"]),
        )


# Groups ------------------------------------------------------------------------------------------------


def _groups(county: Organisation, cast: _Cast, office: User) -> None:
    types = {t.name: t for t in GroupType.objects.filter(county=None)}
    kinds = {k.name: k for k in ActivityKind.objects.filter(county=None)}
    primary, junior = cast.primary, cast.junior
    if len(primary) >= 5:
        _close_group(county, office, types["紧密型"], kinds, primary)
    if len(junior) >= 3:
        lead, members = junior[0], junior[-2:]
        shared = groups.save_group(
            user=office,
            county_id=county.pk,
            details=GroupDetails(name=f"{lead.name}城乡共建共同体", type=types["城乡共建"], lead_school=lead),
        )
        for school, role in [(lead, Membership.Role.CORE), *((m, Membership.Role.RURAL) for m in members)]:
            groups.save_membership(
                user=office,
                group_id=shared.pk,
                details=MembershipDetails(school=school, role=role, joined=D(2024, 9, 1)),
            )
        for day, kind, note in [
            (D(2024, 10, 16), "送教", "中考备考专题送教"),
            (D(2025, 3, 26), "联合教研", "物理、化学实验教学联合教研"),
        ]:
            groups.add_activity(
                user=office, group_id=shared.pk, details=ActivityDetails(date=day, kind=kinds[kind], note=note)
            )
    pairings = []
    if len(primary) >= 7:
        pairings.append((primary[1], primary[-3], D(2024, 2, 1), "每学期送教 2 次；受援校教师跟岗 4 人次", "good"))
    if len(junior) >= 5:
        pairings.append((junior[1], junior[-3], D(2024, 9, 1), "共建图书室；每月一次联合教研", "pass"))
    for helper, helped, start, goals, rating in pairings:
        pairing = groups.save_pairing(
            user=office,
            county_id=county.pk,
            details=PairingDetails(helper=helper, helped=helped, start=start, goals=goals),
        )
        visit = start + datetime.timedelta(days=60)
        groups.add_activity(user=office, pairing_id=pairing.pk, details=ActivityDetails(date=visit, kind=kinds["送教"]))
        groups.save_review(
            user=office,
            pairing_id=pairing.pk,
            details=ReviewDetails(year=2024, goals=goals, outcome="基本完成年度目标（示例）", rating=rating),
        )
    _scorecard(county, office)


def _close_group(
    county: Organisation, office: User, kind: GroupType, kinds: dict[str, ActivityKind], primary: list[Organisation]
) -> None:
    """A 1+N group led by the biggest county-town primary, with a weak and a rural school; one member left
    in 2025."""
    lead, member, leaver, weak, rural = primary[0], primary[2], primary[3], primary[-2], primary[-1]
    close = groups.save_group(
        user=office,
        county_id=county.pk,
        details=GroupDetails(
            name=f"{lead.name}教育集团",
            type=kind,
            form="1+N",
            lead_school=lead,
            document_number="示教发〔2023〕12号",
            recognition="county",
            recognition_year=2024,
        ),
    )
    for school, role, joined, left in [
        (lead, Membership.Role.CORE, D(2023, 3, 1), None),
        (member, Membership.Role.MEMBER, D(2023, 3, 1), None),
        (leaver, Membership.Role.MEMBER, D(2023, 3, 1), D(2025, 7, 31)),
        (weak, Membership.Role.WEAK, D(2023, 9, 1), None),
        (rural, Membership.Role.RURAL, D(2024, 2, 20), None),
    ]:
        groups.save_membership(
            user=office,
            group_id=close.pk,
            details=MembershipDetails(school=school, role=role, joined=joined, left=left),
        )
    for day, name, note in [
        (D(2024, 3, 14), "联合教研", "三至六年级数学集体备课"),
        (D(2024, 5, 22), "同课异构", "语文“整本书阅读”同课异构"),
        (D(2024, 11, 6), "送教", "音乐、美术送教到村小"),
        (D(2025, 3, 19), "联合教研", "新教材培训"),
        (D(2025, 4, 23), "课程共享", "科学实验课程线上共享"),
        (D(2025, 9, 17), "管理输出", "派驻副校长参与成员校管理"),
        (D(2025, 11, 12), "同课异构", "英语听说课同课异构"),
    ]:
        groups.add_activity(
            user=office, group_id=close.pk, details=ActivityDetails(date=day, kind=kinds[name], note=note)
        )
    for teacher, target, how, backbone, start, end in [
        ("李老师（示例）", weak, TeacherExchange.Kind.ROTATION, True, D(2024, 9, 1), D(2025, 7, 15)),
        ("王老师（示例）", rural, TeacherExchange.Kind.SHARED, False, D(2025, 2, 20), None),
    ]:
        groups.save_exchange(
            user=office,
            group_id=close.pk,
            details=ExchangeDetails(
                teacher=teacher,
                from_school=lead,
                to_school=target,
                kind=how,
                backbone=backbone,
                start=start,
                end=end,
            ),
        )


def _scorecard(county: Organisation, office: User) -> None:
    """Four items, their weights and targets the demo's own (a county sets its own: none ship)."""
    note = "演示数据：权重和目标值为示例，由县自行设定"
    linear, threshold = ScorecardItem.Rule.LINEAR, ScorecardItem.Rule.THRESHOLD
    cv = ItemDetails(
        name="示例：集团内差异系数（小学 L1）",
        source=ScorecardItem.Source.CV,
        indicator="L1",
        level="primary",
        rule=linear,
        higher_is_better=False,
        weight=Decimal(30),
        target=Decimal("0.30"),
        floor=Decimal("0.65"),
        data_note=note,
    )
    items = [
        cv,
        replace(cv, name="示例：集团内差异系数（初中 L1）", level="junior", weight=Decimal(20)),
        ItemDetails(
            name="示例：年度联合活动次数",
            source=ScorecardItem.Source.ACTIVITIES,
            rule=threshold,
            weight=Decimal(20),
            target=Decimal(4),
            data_note=note,
        ),
        ItemDetails(
            name="示例：成员学校达到校际标准的比例",
            source=ScorecardItem.Source.PASS_SHARE,
            rule=linear,
            weight=Decimal(30),
            target=Decimal(1),
            floor=Decimal(0),
            data_note=note,
        ),
    ]
    for item in items:
        scorecards.save_item(user=office, county_id=county.pk, details=item)


# The class-size ledger ---------------------------------------------------------------------------------


@dataclass
class _Class:
    """A class of school year 2024 (2024秋, 2025春), with its size in each term; `cohort` identifies it."""

    school: Organisation
    level: str
    cohort: int
    name: str
    sizes: dict[str, int]  # by term; a class absent from a term has no entry


def _classes(
    latest: pl.DataFrame,
    schools: dict[str, Organisation],
    crowded: set[str],
    limits: Mapping[str, int],
    rng: np.random.Generator,
) -> list[_Class]:
    """Each school's classes of each 学段 from its figures: `classes_<level>` classes over the grades, sizes
    around students ÷ classes summing roughly to the students, the largest at `max_class_size_<level>`; the
    `crowded` schools also have a few classes far above the limit."""
    spring, autumn, now = (t for t, _ in TERMS)
    found: list[_Class] = []
    for row in latest.sort("school_id").iter_rows(named=True):
        for level, grades in GRADES.items():
            count, students = row[f"classes_{level}"], row[f"students_{level}"]
            if not count or not students:
                continue
            mean = students / count
            largest, limit = max(int(row[f"max_class_size_{level}"]), 1), limits[level]
            # Only the largest class may be above the limit, as the figures say; the others stay within it.
            sizes = np.clip(np.rint(rng.normal(mean, 0.07 * mean, count)), 1, min(largest, limit))
            sizes[int(np.argmax(sizes))] = largest
            if row["school_id"] in crowded:
                big = rng.choice(count, size=min(4, count), replace=False)
                sizes[big] = rng.integers(56, 68, size=len(big))
            per_grade = [count // grades + (1 if g < count % grades else 0) for g in range(grades)]
            index = 0
            for g, in_grade in enumerate(per_grade):
                for n in range(in_grade):
                    size = int(sizes[index])
                    index += 1
                    drift = int(rng.integers(0, 2))  # pupils who left during the year
                    terms = {autumn: size, now: size - drift}
                    if g > 0:  # the class was one grade lower in 2024春, with a pupil more perhaps
                        terms[spring] = size + drift if size > limit else min(size + drift, limit)
                    found.append(_Class(schools[row["school_id"]], level, 2024 - g, f"{n + 1}班", terms))
            for n in range(per_grade[-1]):  # the top grade of 2024春, gone by 2024秋
                size = int(np.clip(round(rng.normal(mean, 0.07 * mean)), 1, min(largest, limit)))
                found.append(
                    _Class(schools[row["school_id"]], level, 2023 - (grades - 1), f"{n + 1}班", {spring: size})
                )
    _remedy(found, limits, rng)
    return found


def _remedy(found: list[_Class], limits: Mapping[str, int], rng: np.random.Generator) -> None:
    """Some classes over the limit were split: a third of those of 2024春 since 2024秋 (within the limit in
    two terms: proposed for closing), a quarter of the rest in 2025春 (one term: still being worked on)."""
    spring, autumn, now = (t for t, _ in TERMS)
    for c in found:
        limit = limits[c.level]
        if c.sizes.get(spring, 0) > limit + 5 and autumn in c.sizes and rng.random() < 0.35:
            c.sizes[autumn] = limit - int(rng.integers(0, 4))
            c.sizes[now] = c.sizes[autumn] - int(rng.integers(0, 2))
        elif c.sizes.get(now, 0) > limit + 5 and rng.random() < 0.25:
            c.sizes[now] = limit - int(rng.integers(0, 4))


def _class_ledger(
    county: Organisation,
    latest: pl.DataFrame,
    schools: dict[str, Organisation],
    cast: _Cast,
    rng: np.random.Generator,
    office: User,
) -> None:
    rules = classes.rules_for(county)
    crowded = {s.code for s in [*cast.primary[:2], *cast.junior[:1]]}
    found = _classes(latest, schools, crowded, rules.limits, rng)
    for number, (term, day) in enumerate(TERMS):
        snapshot = Snapshot.objects.create(
            county=county, term=term, date=day, school_year=school_year(day.month, day.year), imported_by=office
        )
        ClassRecord.objects.bulk_create(
            (
                ClassRecord(
                    snapshot=snapshot,
                    school=c.school,
                    level=c.level,
                    grade=START_GRADES[c.level] + snapshot.school_year - c.cohort,
                    class_name=c.name,
                    students=c.sizes[term],
                )
                for c in found
                if term in c.sizes
            ),
            batch_size=500,
        )
        classes.update_ledger(county, snapshot)
        if number == 0:
            _measures(county, office)
    planned = [
        (cast.primary[0], "primary", 540, 12),  # 45 a class: within the limit
        (cast.primary[1], "primary", 520, 10),  # 52 a class: the start-grade guard flags it
    ]
    if cast.junior:
        planned.append((cast.junior[0], "junior", 600, 12))
    for school, level, students, count in planned:
        intakes.plan_intake(
            user=office,
            county_id=county.pk,
            school_id=school.pk,
            year=2026,
            level=level,
            grade=START_GRADES[level],
            students=students,
            classes=count,
        )


def _measures(county: Organisation, office: User) -> None:
    """The office's measures on the largest classes found in the first term."""
    rows = list(LedgerRow.objects.filter(county=county).order_by("-students_found", "pk")[:3])
    responsible = Measures(
        deadline=D(2025, 8, 31), responsible_unit="县教育局基础教育股", responsible_person="张某（示例）"
    )
    details = [
        replace(responsible, cause="城区学位紧张，插班生集中", measures=("分班",), teachers_to_add=1),
        replace(
            responsible, cause="新建小区入住，学区内适龄儿童增加", measures=("扩建", "控制招生"), places_to_add=270
        ),
        replace(responsible, cause="择校集中", measures=("均衡分班", "调整学区")),
    ]
    for row, measures in zip(rows, details, strict=False):
        classes.record_measures(user=office, row_id=row.pk, details=measures)
