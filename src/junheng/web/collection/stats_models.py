"""What an import of the education statistics leaves behind (issue 13 §5, §7): per record, the figures
still to be filled in and where the imported ones came from; per county, what it decided about each
teaching point the statistics do not count as a school, applied again the next year."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Organisation


class StatisticsFigures(models.Model):
    """A record's figures as last imported from the statistics: which the clerk must still give (待补填,
    with why) and, for each imported one, the cells it was read from."""

    record = models.OneToOneField(
        SchoolRecord, on_delete=models.CASCADE, related_name="statistics", verbose_name="学校年度数据"
    )
    to_fill = models.JSONField("待补填", default=dict, blank=True)  # field key → why the statistics lack it
    sources = models.JSONField("数据来源", default=dict, blank=True)  # field key → [{file, sheet, cell, …}]
    imported_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "统计导入记录"
        verbose_name_plural = "统计导入记录"


class TeachingPoint(models.Model):
    """The county's choice for a teaching point the statistics do not count as a school: merged into its
    parent school (`parent`), or kept as a teaching point of its own (`parent` empty)."""

    county = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="teaching_points", verbose_name="县区"
    )
    code = models.CharField("学校标识码", max_length=32)
    name = models.CharField("名称", max_length=200)
    parent = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="并入学校"
    )
    year = models.PositiveSmallIntegerField("决定于年度")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("决定时间", auto_now=True)

    class Meta:
        verbose_name = "教学点归属"
        verbose_name_plural = "教学点归属"
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="one_choice_per_teaching_point")]
