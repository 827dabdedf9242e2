"""What a county records for the evaluation beyond its schools' figures, standard.md §1, §5–§6.

The county figures behind G6–G15 and Q1–Q9, the judgements of G1, G2, G10, Q3, Q5–Q8, the veto
checklist, and the evidence (佐证材料) behind a judgement or a veto. Each keeps who changed it and when.
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models

from junheng.web.orgs.models import Organisation


class CountyFigures(models.Model):
    """A county's figures of a year, keyed by the standard's [county_figures] catalogue."""

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="县区")
    year = models.PositiveSmallIntegerField("年度")
    figures = models.JSONField("县级数据", default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="填报人"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "县级评估数据"
        verbose_name_plural = "县级评估数据"
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_figures_per_county_year")]

    def __str__(self) -> str:
        return f"{self.county} {self.year} 年度县级数据"


class Judgement(models.Model):
    """The county office's decision on an item the standard leaves to judgement (kind = "judgement")."""

    class Decision(models.TextChoices):
        PASS = "pass", "达标"
        FAIL = "fail", "未达标"

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="县区")
    year = models.PositiveSmallIntegerField("年度")
    item_id = models.CharField("评估项", max_length=16)
    decision = models.CharField("认定结果", max_length=8, choices=Decision.choices)
    note = models.TextField("说明", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="认定人"
    )
    decided_at = models.DateTimeField("认定时间", auto_now=True)

    class Meta:
        verbose_name = "评估项认定"
        verbose_name_plural = "评估项认定"
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "item_id"], name="one_judgement_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year} {self.item_id}：{self.get_decision_display()}"


class VetoCheck(models.Model):
    """Whether a veto item (一票否决, the standard's [veto].items) applies to the county that year."""

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="县区")
    year = models.PositiveSmallIntegerField("年度")
    key = models.CharField("否决项", max_length=64)
    applies = models.BooleanField("存在该情形")
    note = models.TextField("说明", blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="核查人"
    )
    checked_at = models.DateTimeField("核查时间", auto_now=True)

    class Meta:
        verbose_name = "一票否决项核查"
        verbose_name_plural = "一票否决项核查"
        constraints = [models.UniqueConstraint(fields=["county", "year", "key"], name="one_check_per_veto")]

    def __str__(self) -> str:
        return f"{self.county} {self.year} {self.key}：{'是' if self.applies else '否'}"


def evidence_path(evidence: Evidence, filename: str) -> str:
    """Under MEDIA_ROOT by county and year; the storage makes the name unique, the original stays in `name`."""
    return f"evidence/{evidence.county_id}/{evidence.year}/{PurePath(filename).name}"


class Evidence(models.Model):
    """A file (佐证材料) behind a judgement or a veto check; served only through a view that checks scope."""

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="县区")
    year = models.PositiveSmallIntegerField("年度")
    judgement = models.ForeignKey(
        Judgement, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence", verbose_name="认定"
    )
    veto = models.ForeignKey(
        VetoCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence", verbose_name="否决项"
    )
    file = models.FileField("文件", upload_to=evidence_path, max_length=255)
    name = models.CharField("文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(judgement__isnull=False, veto__isnull=True)
                | models.Q(judgement__isnull=True, veto__isnull=False),
                name="evidence_of_one_judgement_or_veto",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Problem(models.Model):
    """A problem of the county's self-evaluation (问题清单) in the rectification ledger (整改台账).

    Opened the year a report first finds it, kept open (carried over) while later reports still find
    it, closed the first year a report no longer does. `key` identifies it across years
    (`junheng.report.problems.Problem.key`); `text` is the latest wording.
    """

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        CLOSED = "closed", "已整改"

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="县区")
    key = models.CharField("问题标识", max_length=200)
    text = models.TextField("问题")
    year_found = models.PositiveSmallIntegerField("首次发现年度")
    status = models.CharField("整改状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_year = models.PositiveSmallIntegerField("整改完成年度", null=True, blank=True)

    class Meta:
        verbose_name = "整改问题"
        verbose_name_plural = "整改问题"
        ordering = ["year_found", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "key"], condition=models.Q(status="open"), name="one_open_problem_per_key"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_year__isnull=True)
                | models.Q(status="closed", closed_year__isnull=False),
                name="closed_problem_has_closed_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year_found}：{self.text}"
