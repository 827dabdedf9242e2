"""Education groups (集团化办学), their members over time, pairings (结对帮扶) and joint activities (issue 6 §1).

The lists a county chooses from (group types, activity kinds) are data: a row with no county is offered
to every county, a county adds its own. The migration seeds the issue's examples, labelled as examples.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

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
