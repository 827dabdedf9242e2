"""Seed the issue's examples of group types and activity kinds for every county (examples, not official)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

GROUP_TYPES = ["紧密型", "松散型", "融合型", "共建型", "协作型", "名校办分校", "学区", "联盟", "委托管理", "城乡共建"]
ACTIVITY_KINDS = ["联合教研", "同课异构", "送教", "课程共享", "管理输出"]


def seed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("groups", "GroupType").objects.bulk_create(
        apps.get_model("groups", "GroupType")(name=name) for name in GROUP_TYPES
    )
    apps.get_model("groups", "ActivityKind").objects.bulk_create(
        apps.get_model("groups", "ActivityKind")(name=name) for name in ACTIVITY_KINDS
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("groups", "GroupType").objects.filter(county=None, name__in=GROUP_TYPES).delete()
    apps.get_model("groups", "ActivityKind").objects.filter(county=None, name__in=ACTIVITY_KINDS).delete()


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
