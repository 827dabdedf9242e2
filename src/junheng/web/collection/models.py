"""The yearly collection round (填报任务), each school's record of that year, the audit trail, and what an
import of the education statistics leaves (what is still to fill in, the teaching points' choices)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction

from junheng.schema import FIELDS, Field, Kind
from junheng.web.collection.data_versions import DataVersion, RecordQuerySet, touch
from junheng.web.orgs.models import Organisation

__all__ = ["IDENTITY_KEYS", "RECORD_FIELDS", "Change", "DataVersion", "Round", "SchoolRecord"]  # DataVersion's home

# Fields the organisation tree already holds: the county, its code, the school's id and name.
IDENTITY_KEYS = frozenset({"year", "county", "county_code", "school_id", "school_name"})
RECORD_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.key not in IDENTITY_KEYS)


class Round(models.Model):
    """A county's collection of one year's figures from all its schools."""

    class Status(models.TextChoices):
        OPEN = "open", "填报中"
        CLOSED = "closed", "已结束"

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rounds", verbose_name="县区")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateField("截止日期", null=True, blank=True)
    opened_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "填报任务"
        verbose_name_plural = "填报任务"
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_round_per_county_year")]
        ordering = ["county", "-year"]

    def __str__(self) -> str:
        return f"{self.county} {self.year} 年度填报"


class SchoolRecord(models.Model):
    """One school's figures for one year (a row of contracts.md §1), and where it is in review."""

    class Status(models.TextChoices):
        DRAFT = "draft", "填报中"
        SUBMITTED = "submitted", "已提交待审核"
        RETURNED = "returned", "已退回修改"
        APPROVED = "approved", "已审核锁定"

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="records", verbose_name="学校")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    review_comment = models.TextField("审核意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Optimistic concurrency: one more on every save, whoever saves; an edit made on an older version is
    # refused (collection.versions) rather than silently undoing what was saved since.
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    # Pre-filled when the round opened from the school's last approved record (collection.prefill): the
    # year carried from and the figures as carried, so that the reviewer sees what the clerk changed.
    carried_from = models.PositiveSmallIntegerField("沿用年度", null=True, blank=True)
    carried = models.JSONField("沿用上年的数据", default=dict, blank=True)
    # True until the clerk confirms or changes the carried figures: until then they are not reported.
    awaiting_confirmation = models.BooleanField("沿用上年待确认", default=False)

    class Meta:
        verbose_name = "学校年度数据"
        verbose_name_plural = "学校年度数据"
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="one_record_per_school_year")]
        indexes = [models.Index(fields=["year", "status"])]
        ordering = ["school__path", "year"]

    objects = RecordQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.school} {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Store the record as a new version (`version` + 1) unless it is being created, and renew its
        county-year's data version in the same transaction (`data_versions.touch`)."""
        if self.pk is not None and not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            touch([(self.school_id, self.year)])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Delete the record and renew its county-year's data version, in one transaction."""
        with transaction.atomic(savepoint=False):
            deleted = super().delete(*args, **kwargs)
            touch([(self.school_id, self.year)])
        return deleted

    @property
    def locked(self) -> bool:
        return self.status == self.Status.APPROVED

    def values(self) -> dict[str, Any]:
        """The record's figures keyed by data-file field."""
        return {f.key: getattr(self, f.key) for f in RECORD_FIELDS}


def _model_field(field: Field) -> models.Field[Any, Any]:
    if field.kind is Kind.INTEGER:
        return models.PositiveBigIntegerField(field.label, null=True, blank=True)
    if field.kind is Kind.NUMBER:
        return models.FloatField(field.label, null=True, blank=True)
    if field.kind is Kind.YES_NO:
        return models.BooleanField(field.label, null=True, blank=True)
    return models.CharField(field.label, max_length=32, null=True, blank=True)


# The data fields come from schema.FIELDS, so a field added to the contract is one migration away.
for _field in RECORD_FIELDS:
    SchoolRecord.add_to_class(_field.key, _model_field(_field))


class Change(models.Model):
    """The audit trail: who changed which figure when, from what to what, and why."""

    class Action(models.TextChoices):
        EDIT = "edit", "修改"
        IMPORT = "import", "导入"
        SUBMIT = "submit", "提交"
        APPROVE = "approve", "审核通过"
        RETURN = "return", "退回"
        API = "api", "接口修改"
        CARRY = "carry", "沿用上年"
        CONFIRM = "confirm", "确认沿用"
        STATISTICS = "statistics", "从教育统计导入"

    record = models.ForeignKey(SchoolRecord, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    field = models.CharField("字段", max_length=64, blank=True)
    old = models.TextField("原值", blank=True)
    new = models.TextField("新值", blank=True)
    reason = models.TextField("原因", blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    # The record's version this change made (SchoolRecord.version); empty on changes made before versions.
    version = models.PositiveIntegerField("版本", null=True, blank=True)

    class Meta:
        verbose_name = "修改记录"
        verbose_name_plural = "修改记录"
        indexes = [models.Index(fields=["record", "field"])]
        ordering = ["-at", "-id"]


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
