"""Education groups (集团化办学), their members over time, pairings (结对帮扶) and joint activities (issue 6 §1).

The lists a county chooses from (group types, activity kinds) are data: a row with no county is offered
to every county, a county adds its own. The migration seeds the issue's examples, labelled as examples.
Around them: teachers shared or rotated inside a group, evidence files of activities, the yearly review
of a pairing and the county's bundled-evaluation scorecard (捆绑考核; its scoring is `engine.scorecard`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from junheng.web.levels import Level
from junheng.web.orgs.models import Organisation


class GroupType(models.Model):
    """A type of group a county may choose, e.g. 紧密型 or 城乡共建 (examples, not an official list)."""

    county = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=64)

    class Meta:
        verbose_name = "集团类型"
        verbose_name_plural = "集团类型"
        ordering = ["county_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="one_group_type_name")]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.Model):
    """A kind of joint activity, e.g. 联合教研 or 送教 (examples, not an official list)."""

    county = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=64)

    class Meta:
        verbose_name = "活动类型"
        verbose_name_plural = "活动类型"
        ordering = ["county_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="one_activity_kind_name")]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """An education group of a county."""

    class Form(models.TextChoices):
        ONE_N = "1+N", "1+N"
        ONE_N_X = "1+N+X", "1+N+X"

    class Recognition(models.TextChoices):
        COUNTY = "county", "县级优质教育集团"
        CITY = "city", "市级优质教育集团"
        PROVINCE = "province", "省级优质教育集团"

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="education_groups")
    name = models.CharField("集团名称", max_length=200)
    type = models.ForeignKey(GroupType, verbose_name="类型", on_delete=models.PROTECT, related_name="groups")
    form = models.CharField("组建形式", max_length=16, choices=Form.choices, blank=True)
    lead_school = models.ForeignKey(
        Organisation, verbose_name="牵头学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField("批准文号", max_length=100, blank=True)
    recognition = models.CharField("认定等级", max_length=16, choices=Recognition.choices, blank=True)
    recognition_batch = models.CharField("认定批次", max_length=64, blank=True)
    recognition_year = models.PositiveSmallIntegerField("认定年份", null=True, blank=True)

    class Meta:
        verbose_name = "教育集团"
        verbose_name_plural = "教育集团"
        ordering = ["county", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="one_group_name_per_county")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A school in a group from `joined` until `left` (inclusive; empty while it stays)."""

    class Role(models.TextChoices):
        CORE = "core", "核心校"
        MEMBER = "member", "成员校"
        NEW = "new", "新建校"
        WEAK = "weak", "薄弱校"
        RURAL = "rural", "乡村校区"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(Organisation, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined = models.DateField("加入日期")
    left = models.DateField("退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "集团成员"
        verbose_name_plural = "集团成员"
        ordering = ["group", "joined", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=models.F("joined")), name="membership_left_after_joined"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.school} · {self.get_role_display()}"

    def active_on(self, day: datetime.date) -> bool:
        return self.joined <= day and (self.left is None or day <= self.left)


class Pairing(models.Model):
    """A helper school paired with a helped school (结对帮扶) from `start` until `end`."""

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pairings")
    helper = models.ForeignKey(Organisation, verbose_name="帮扶学校", on_delete=models.PROTECT, related_name="+")
    helped = models.ForeignKey(Organisation, verbose_name="受援学校", on_delete=models.PROTECT, related_name="+")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    goals = models.TextField("年度目标", blank=True)

    class Meta:
        verbose_name = "结对帮扶"
        verbose_name_plural = "结对帮扶"
        ordering = ["county", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="pairing_end"),
            models.CheckConstraint(condition=~Q(helper=models.F("helped")), name="pairing_two_schools"),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.helped}"


class Activity(models.Model):
    """A joint activity of a group or of a pairing."""

    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="activities")
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField("日期")
    kind = models.ForeignKey(ActivityKind, verbose_name="活动类型", on_delete=models.PROTECT, related_name="+")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "集团活动"
        verbose_name_plural = "集团活动"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False, pairing__isnull=True) | Q(group__isnull=True, pairing__isnull=False),
                name="activity_of_group_or_pairing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class TeacherExchange(models.Model):
    """A teacher shared or rotated between two member schools of a group, from `start` until `end`."""

    class Kind(models.TextChoices):
        SHARED = "shared", "共享教师"
        ROTATION = "rotation", "交流轮岗"
        SUPPORT = "support", "支教"
        OTHER = "other", "其他"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="exchanges")
    teacher = models.CharField("教师姓名", max_length=64)
    from_school = models.ForeignKey(Organisation, verbose_name="派出学校", on_delete=models.PROTECT, related_name="+")
    to_school = models.ForeignKey(Organisation, verbose_name="接收学校", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("方式", max_length=16, choices=Kind.choices, default=Kind.ROTATION)
    backbone = models.BooleanField("骨干教师", default=False)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "教师共享与交流"
        verbose_name_plural = "教师共享与交流"
        ordering = ["group", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="exchange_end"),
            models.CheckConstraint(condition=~Q(from_school=models.F("to_school")), name="exchange_two_schools"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher}：{self.from_school} → {self.to_school}"

    def clean(self) -> None:
        """Both schools are members of the group on the first day of the exchange; the dates run forward."""
        errors: dict[str, str] = {}
        if self.end is not None and self.start is not None and self.end < self.start:
            errors["end"] = "结束日期不能早于开始日期"
        if self.from_school_id is not None and self.from_school_id == self.to_school_id:
            errors["to_school"] = "派出学校和接收学校不能是同一所学校"
        if self.start is not None and self.group_id is not None:
            members = {
                m.school_id for m in Membership.objects.filter(group_id=self.group_id) if m.active_on(self.start)
            }
            chosen = {"from_school": self.from_school_id, "to_school": self.to_school_id}
            for field, school_id in chosen.items():
                if school_id is not None and school_id not in members and field not in errors:
                    name = Organisation.objects.get(pk=school_id).name
                    errors[field] = f"{name}在{self.start:%Y-%m-%d}不是本集团的成员学校，请先加入成员或修改日期"
        if errors:
            raise ValidationError(errors)

    def in_year(self, year: int) -> bool:
        """In force on some day of `year`."""
        return self.start <= datetime.date(year, 12, 31) and (self.end is None or self.end >= datetime.date(year, 1, 1))


def activity_evidence_path(evidence: ActivityEvidence, filename: str) -> str:
    """Under MEDIA_ROOT by activity; the storage makes the name unique, the original stays in `name`."""
    return f"groups/activities/{evidence.activity_id}/{PurePath(filename).name}"


class ActivityEvidence(models.Model):
    """A file behind a joint activity (佐证材料); served only through a view that checks scope."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence", verbose_name="活动")
    file = models.FileField("文件", upload_to=activity_evidence_path, max_length=255)
    name = models.CharField("文件名", max_length=255)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="上传人"
    )

    class Meta:
        verbose_name = "活动佐证材料"
        verbose_name_plural = "活动佐证材料"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class PairingReview(models.Model):
    """The yearly review of a pairing: its goals, what came of them and the county's rating."""

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        GOOD = "good", "良好"
        PASS = "pass", "合格"
        FAIL = "fail", "不合格"

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField("年度")
    goals = models.TextField("年度目标", blank=True)
    outcome = models.TextField("完成情况", blank=True)
    rating = models.CharField("评价等次", max_length=16, choices=Rating.choices)
    note = models.TextField("备注", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="评价人"
    )
    reviewed_at = models.DateTimeField("评价时间", auto_now=True)

    class Meta:
        verbose_name = "结对帮扶年度评价"
        verbose_name_plural = "结对帮扶年度评价"
        ordering = ["pairing", "-year"]
        constraints = [models.UniqueConstraint(fields=["pairing", "year"], name="one_review_per_pairing_year")]

    def __str__(self) -> str:
        return f"{self.pairing} {self.year} {self.get_rating_display()}"


class ScorecardItem(models.Model):
    """One item of a county's bundled evaluation of its groups (捆绑考核). No weights ship: the county sets
    every item, weight and target; `engine.scorecard` computes the values and scores."""

    class Source(models.TextChoices):
        MEAN = "mean", "成员学校生均值（按学生数加权）"
        CV = "cv", "集团内差异系数（越低越好）"
        GAP = "gap", "核心校与成员校差距"
        ACTIVITIES = "activities", "年度联合活动次数"
        PASS_SHARE = "pass_share", "成员学校达到校际标准的比例"
        MANUAL = "manual", "县级录入"

    class Rule(models.TextChoices):
        THRESHOLD = "threshold", "达到目标值得满分"
        LINEAR = "linear", "线性赋分（最低值得 0 分，目标值得满分）"

    Level = Level

    county = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="scorecard_items")
    name = models.CharField("考核项目", max_length=100)
    source = models.CharField("数据来源", max_length=16, choices=Source.choices)
    indicator = models.CharField("指标", max_length=16, blank=True)
    level = models.CharField("学段", max_length=16, choices=Level.choices, blank=True)
    weight = models.DecimalField("权重", max_digits=7, decimal_places=2)
    rule = models.CharField("赋分规则", max_length=16, choices=Rule.choices)
    higher_is_better = models.BooleanField("越高越好", default=True, help_text="不勾选表示越低越好")
    target = models.DecimalField("目标值", max_digits=14, decimal_places=4)
    floor = models.DecimalField("最低值", max_digits=14, decimal_places=4, null=True, blank=True)
    data_note = models.TextField("数据说明", blank=True)

    class Meta:
        verbose_name = "捆绑考核项目"
        verbose_name_plural = "捆绑考核项目"
        ordering = ["county", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="one_scorecard_item_name"),
            models.CheckConstraint(condition=Q(weight__gt=Decimal(0)), name="scorecard_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A positive weight; an indicator and 学段 for the sources that read one; for linear scoring a floor
        on the worse side of the target (a floor equal to the target would divide by zero)."""
        errors: dict[str, str] = {}
        if self.weight is not None and self.weight <= 0:
            errors["weight"] = "权重应大于 0"
        if self.source in {self.Source.MEAN, self.Source.CV, self.Source.GAP}:
            if not self.indicator:
                errors["indicator"] = "该数据来源须选择指标"
            if not self.level:
                errors["level"] = "该数据来源须选择学段"
        else:
            self.indicator, self.level = "", ""
        if self.rule == self.Rule.LINEAR and self.target is not None:
            if self.floor is None:
                errors["floor"] = "线性赋分须填写最低值（得 0 分的数值）"
            elif self.floor == self.target:
                errors["floor"] = "最低值不能等于目标值"
            elif self.higher_is_better and self.floor > self.target:
                errors["floor"] = "越高越好时，最低值应小于目标值"
            elif not self.higher_is_better and self.floor < self.target:
                errors["floor"] = "越低越好时，最低值应大于目标值"
        if errors:
            raise ValidationError(errors)


class ScorecardEntry(models.Model):
    """The value the county enters for a manual scorecard item, a group and a year."""

    item = models.ForeignKey(ScorecardItem, verbose_name="考核项目", on_delete=models.CASCADE, related_name="entries")
    group = models.ForeignKey(Group, verbose_name="教育集团", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("数值", max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = "捆绑考核录入值"
        verbose_name_plural = "捆绑考核录入值"
        ordering = ["item", "group", "year"]
        constraints = [models.UniqueConstraint(fields=["item", "group", "year"], name="one_entry_per_item_group_year")]

    def __str__(self) -> str:
        return f"{self.item} · {self.group} · {self.year}：{self.value}"
