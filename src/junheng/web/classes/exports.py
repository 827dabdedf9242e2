"""The class-size ledger page's tables in Excel (issue 12 §5): the ledger rows, the planned intakes, the
latest snapshot by township and by school, and the shares of every snapshot.

The view reads the ledger through `services.ledger`, the page's own call, so it answers as the page does.
"""

from __future__ import annotations

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from junheng.engine.class_size import ClassSizeRules
from junheng.io.xlsx_table import Column, Kind, Table
from junheng.web.classes import services
from junheng.web.exports import file_name, xlsx_response

OVER = "超过 45/50 人"


@login_required
@require_GET
def county_ledger(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county's ledger and the figures beside it, one sheet per table of the page."""
    ledger = services.ledger(user=request.user, county_id=county_id)
    sheets = [_rows(ledger), _intakes(ledger.intakes)]
    if ledger.snapshots:
        term = ledger.snapshots[-1].term
        sheets += [
            _breakdown(f"分乡镇（{term}）", ledger.by_township, ledger.rules, schools=False),
            _breakdown(f"分学校（{term}）", ledger.by_school, ledger.rules, schools=True),
            _shares(ledger.shares, ledger.rules),
        ]
    return xlsx_response(file_name(ledger.county.name, "大班额台账"), sheets)


def _rows(ledger: services.Ledger) -> Table:
    rows = ledger.rows
    return Table(
        "台账",
        [
            Column("学校", [r.school.name for r in rows]),
            Column("学段", [r.get_level_display() for r in rows]),
            Column("年级", [r.grade for r in rows], Kind.COUNT),
            Column("班级", [r.class_name for r in rows]),
            Column("入学年份", [r.cohort for r in rows], Kind.YEAR),
            Column("发现时人数", [r.students_found for r in rows], Kind.COUNT, unit="人"),
            Column("发现于", [r.found_in.term for r in rows]),
            Column("成因", [r.cause for r in rows]),
            Column("整改措施", ["、".join(r.measures) for r in rows]),
            Column("整改时限", [r.deadline for r in rows], Kind.DATE),
            Column("逾期", ["逾期" if services.is_overdue(r, ledger.today) else "" for r in rows]),
            Column("责任单位", [r.responsible_unit for r in rows]),
            Column("责任人", [r.responsible_person for r in rows]),
            Column("状态", [r.get_status_display() for r in rows]),
        ],
    )


def _intakes(checks: list[services.IntakeCheck]) -> Table:
    return Table(
        "起始年级招生计划",
        [
            Column("年份", [c.intake.year for c in checks], Kind.YEAR),
            Column("学校", [c.intake.school.name for c in checks]),
            Column("学段", [c.intake.get_level_display() for c in checks]),
            Column("年级", [c.grade for c in checks], Kind.COUNT),
            Column("计划招生", [c.intake.students for c in checks], Kind.COUNT, unit="人"),
            Column("计划班数", [c.intake.classes for c in checks], Kind.COUNT, unit="个"),
            Column("最大班额", [c.largest_class for c in checks], Kind.COUNT, unit="人"),
            Column("限额", [c.limit for c in checks], Kind.COUNT, unit="人"),
            Column("至少需要班数", [c.classes_needed for c in checks], Kind.COUNT, unit="个"),
            Column("核查", ["将产生超额班级" if c.over_limit else "不超额" for c in checks]),
        ],
    )


def _breakdown(name: str, table: pl.DataFrame, rules: ClassSizeRules, *, schools: bool) -> Table:
    """A breakdown of the latest snapshot: classes per band, over the limit, and each target's share."""
    groups = list(table.iter_rows(named=True))
    first = (
        [Column("学校", [g["school_name"] for g in groups]), Column("乡镇（街道）", [g["township"] for g in groups])]
        if schools
        else [Column("乡镇（街道）", [g["township"] for g in groups])]
    )
    return Table(
        name,
        [
            *first,
            Column("班级数", [g["classes"] for g in groups], Kind.COUNT, unit="个"),
            *(Column(b.label, [g[f"band_{b.key}"] for g in groups], Kind.COUNT, unit="个") for b in rules.bands),
            Column(OVER, [g["over_limit"] for g in groups], Kind.COUNT, unit="个"),
            *(
                Column(f"{t.label}占比（≤ {t.max_share:.0%}）", [g[f"{t.key}_share"] for g in groups], Kind.PERCENT)
                for t in rules.targets
            ),
        ],
    )


def _shares(shares: pl.DataFrame, rules: ClassSizeRules) -> Table:
    """Every snapshot's class count and target shares, as the page's chart draws them."""
    terms = list(shares.iter_rows(named=True))
    return Table(
        "各次统计占比",
        [
            Column("学期", [s["term"] for s in terms]),
            Column("班级总数", [s["classes"] for s in terms], Kind.COUNT, unit="个"),
            Column(OVER, [s["over_limit"] for s in terms], Kind.COUNT, unit="个"),
            *(
                col
                for t in rules.targets
                for col in (
                    Column(t.label, [s[t.key] for s in terms], Kind.COUNT, unit="个"),
                    Column(f"{t.label}占比（≤ {t.max_share:.0%}）", [s[f"{t.key}_share"] for s in terms], Kind.PERCENT),
                )
            ),
        ],
    )
