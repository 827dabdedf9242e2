"""Class snapshots of a county each term, and the ledger of classes above their limit (大班额台账, issue 6 §2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from junheng.web.levels import Level
from junheng.web.orgs.models import Organisation


class Snapshot(models.Model):
    """The county's class lists as imported for one term, e.g. 2025秋."""

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="class_snapshots")
    term = models.CharField("学期", max_length=32)
    date = models.DateField("统计日期")
    # The autumn term of year Y and the spring term of Y+1 are school year Y (engine.class_size.school_year).
    school_year = models.PositiveSmallIntegerField("学年")
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "班额快照"
        verbose_name_plural = "班额快照"
        ordering = ["county", "date"]
        constraints = [models.UniqueConstraint(fields=["county", "term"], name="one_snapshot_per_term")]

    def __str__(self) -> str:
        return f"{self.county} · {self.term}"


class ClassRecord(models.Model):
    """One class of a snapshot. A class is known across snapshots by school, 学段, entry cohort and name
    (`LedgerRow`), so that it stays the same class when promoted to the next grade."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="classes")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    level = models.CharField("学段", max_length=16, choices=Level.choices)
    grade = models.PositiveSmallIntegerField("年级")
    class_name = models.CharField("班级", max_length=64)
    students = models.PositiveIntegerField("学生数")

    class Meta:
        verbose_name = "班级"
        verbose_name_plural = "班级"
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "school", "level", "grade", "class_name"], name="one_class_per_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.grade}年级{self.class_name}"


class LedgerRow(models.Model):
    """A class found above its limit, and what the county does about it until it is closed (销号).

    The class is the one of `school`, `level`, `cohort` (the school year it started its 学段) and
    `class_name`; `grade` is its grade at the latest snapshot it appeared in.
    """

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        IN_PROGRESS = "in_progress", "整改中"
        PROPOSED = "proposed", "已达标待核验"
        CLOSED = "closed", "已销号"
        REBOUND = "rebound", "反弹"

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ledger_rows")
    level = models.CharField("学段", max_length=16, choices=Level.choices)
    cohort = models.PositiveSmallIntegerField("入学年份")
    grade = models.PositiveSmallIntegerField("年级")
    class_name = models.CharField("班级", max_length=64)
    found_in = models.ForeignKey(Snapshot, verbose_name="发现于", on_delete=models.PROTECT, related_name="+")
    students_found = models.PositiveIntegerField("发现时学生数")
    cause = models.TextField("成因", blank=True)
    measures = models.JSONField("整改措施", default=list, blank=True)
    project = models.CharField("关联项目", max_length=200, blank=True)
    places_to_add = models.PositiveIntegerField("拟增学位数", null=True, blank=True)
    teachers_to_add = models.PositiveIntegerField("拟增教师数", null=True, blank=True)
    deadline = models.DateField("整改时限", null=True, blank=True)
    responsible_unit = models.CharField("责任单位", max_length=200, blank=True)
    responsible_person = models.CharField("责任人", max_length=100, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = "大班额台账"
        verbose_name_plural = "大班额台账"
        ordering = ["school__path", "level", "grade", "class_name", "pk"]

    def __str__(self) -> str:
        return f"{self.school} {self.grade}年级{self.class_name} · {self.get_status_display()}"


class PlannedIntake(models.Model):
    """A school's planned grade-1 (小学) or grade-7 (初中) intake for a year, entered by the county office
    and checked by the start-grade guard (engine.class_size.start_grade_guard)."""

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Organisation, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("招生年份")
    level = models.CharField("学段", max_length=16, choices=Level.choices)
    students = models.PositiveIntegerField("计划招生人数")
    classes = models.PositiveSmallIntegerField("计划班数")

    class Meta:
        verbose_name = "起始年级招生计划"
        verbose_name_plural = "起始年级招生计划"
        ordering = ["year", "school__path", "level"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "level"], name="one_intake_per_school_year_level")
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.year} {self.get_level_display()} {self.students}人{self.classes}班"


class LedgerChange(models.Model):
    """Who changed what on a ledger row, and when (None: the import of a snapshot)."""

    row = models.ForeignKey(LedgerRow, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    field = models.CharField(max_length=64)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    @property
    def label(self) -> str:
        """The changed field as people call it: the ledger row's verbose name (成因, not cause)."""
        field = LedgerRow._meta.get_field(self.field)
        return str(field.verbose_name) if isinstance(field, models.Field) else self.field
