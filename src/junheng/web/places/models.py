"""A county's school places (学位, issue 6 part 3): catchments, capacities, births, housing, residents."""

from __future__ import annotations

from django.db import models

from junheng.web.levels import Level
from junheng.web.orgs.models import Organisation


class Series(models.TextChoices):
    REGISTERED = "户籍", "户籍人口出生"
    RESIDENT = "常住", "常住人口出生"


class Catchment(models.Model):
    """A 学区/施教区 serving one 学段; its outline is GeoJSON the county uploads (optional)."""

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="catchments")
    name = models.CharField("学区名称", max_length=200)
    level = models.CharField("学段", max_length=16, choices=Level.choices)
    geometry = models.TextField("边界（GeoJSON）", blank=True)

    class Meta:
        verbose_name = "学区"
        verbose_name_plural = "学区"
        ordering = ["county", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="one_catchment_name_per_county")]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name with its 学段 once: 城东学区（小学）; a name that says it already (城关学区（小学）) as it is."""
        level = str(self.get_level_display())
        return self.name if level in self.name else f"{self.name}（{level}）"


class SchoolCapacity(models.Model):
    """A school's design classes of a year; class size blank: the standard's (G5: 45/50). A school teaching
    both 学段 (九年一贯制) may serve a primary catchment and a junior one."""

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="capacities")
    year = models.PositiveSmallIntegerField("年度")
    catchment_primary = models.ForeignKey(
        Catchment,
        verbose_name="小学学区",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="primary_schools",
        limit_choices_to={"level": "primary"},
    )
    catchment_junior = models.ForeignKey(
        Catchment,
        verbose_name="初中学区",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="junior_schools",
        limit_choices_to={"level": "junior"},
    )
    design_classes_primary = models.PositiveIntegerField("小学设计班数", default=0)
    design_classes_junior = models.PositiveIntegerField("初中设计班数", default=0)
    class_size_primary = models.PositiveSmallIntegerField("小学标准班额", null=True, blank=True)
    class_size_junior = models.PositiveSmallIntegerField("初中标准班额", null=True, blank=True)
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)

    def catchment(self, level: str) -> Catchment | None:
        """The catchment this school's places of `level` serve."""
        return self.catchment_primary if level == Level.PRIMARY else self.catchment_junior

    class Meta:
        verbose_name = "学校学位容量"
        verbose_name_plural = "学校学位容量"
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="one_capacity_per_school_year")]


class Births(models.Model):
    """Births of a year in the county (no catchment) or a catchment; the two series are never added."""

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    catchment = models.ForeignKey(Catchment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("出生年度")
    series = models.CharField("口径", max_length=8, choices=Series.choices)
    births = models.PositiveIntegerField("出生人口")

    class Meta:
        verbose_name = "出生人口"
        verbose_name_plural = "出生人口"
        constraints = [
            models.UniqueConstraint(fields=["county", "catchment", "year", "series"], name="one_births_per_year"),
            # NULLs are distinct in a unique index: without this, a county figure could be stored twice.
            models.UniqueConstraint(
                fields=["county", "year", "series"],
                condition=models.Q(catchment__isnull=True),
                name="one_county_births_per_year",
            ),
        ]


class HousingDelivery(models.Model):
    """Homes handed over in a catchment in a year (新建住宅交付)."""

    catchment = models.ForeignKey(Catchment, on_delete=models.CASCADE, related_name="deliveries")
    year = models.PositiveSmallIntegerField("交付年度")
    households = models.PositiveIntegerField("交付户数")

    class Meta:
        verbose_name = "住宅交付"
        verbose_name_plural = "住宅交付"
        constraints = [models.UniqueConstraint(fields=["catchment", "year"], name="one_delivery_per_year")]


class Residents(models.Model):
    """The county's resident population of a year (常住人口)."""

    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    residents = models.PositiveIntegerField("常住人口")

    class Meta:
        verbose_name = "常住人口"
        verbose_name_plural = "常住人口"
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_residents_per_year")]
