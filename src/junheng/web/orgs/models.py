"""Organisations (province → city → county → school) and who may act for which, with what role."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models

DEFAULT_STANDARD = "national-2017"


class Organisation(models.Model):
    """A node of the hierarchy. A school's `code` is its 学校标识码; a county's its 县区代码."""

    class Kind(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（区）"
        SCHOOL = "school", "学校"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=200)
    code = models.CharField("代码", max_length=64)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/3/17/240/": the ids from the root down to this node, so that a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    standard = models.CharField(
        "评估标准", max_length=64, blank=True, help_text="留空则沿用上级的标准；都未设置时为 national-2017"
    )
    township = models.CharField("所在乡镇（街道）", max_length=100, blank=True)

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="unique_code_per_kind")]
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent is not None else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            Organisation.objects.filter(pk=self.pk).update(path=path)

    def subtree(self) -> models.QuerySet[Organisation]:
        """This organisation and everything below it."""
        return Organisation.objects.filter(path__startswith=self.path)

    def standard_name(self) -> str:
        """The evaluation standard in force here: this organisation's, else the nearest ancestor's."""
        node: Organisation | None = self
        while node is not None:
            if node.standard:
                return node.standard
            node = node.parent
        return DEFAULT_STANDARD

    def ancestor(self, kind: str) -> Organisation | None:
        """The nearest organisation of `kind` at or above this one."""
        node: Organisation | None = self
        while node is not None and node.kind != kind:
            node = node.parent
        return node


def under_any(organisations: Iterable[Organisation], prefix: str = "") -> models.Q:
    """Rows whose organisation (reached by `prefix`, e.g. "school__") lies under any of `organisations`,
    by their paths (one range of the path index each); no row for no organisation."""
    either = models.Q(pk__in=[])
    for organisation in organisations:
        either |= models.Q(**{f"{prefix}path__startswith": organisation.path})
    return either


class Role(models.TextChoices):
    CLERK = "clerk", "学校填报员"
    COUNTY_OFFICE = "county_office", "县级督导室"
    SUPERVISOR = "supervisor", "市/省级督学"
    OBSERVER = "observer", "观察员（只读）"


class Membership(models.Model):
    """A user acts for an organisation (and everything below it) in a role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = "角色分配"
        verbose_name_plural = "角色分配"
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_organisation")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
