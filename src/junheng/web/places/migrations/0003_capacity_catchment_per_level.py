"""A school's places serve one catchment per 学段: a 九年一贯制 school may be in a primary and a junior one."""

import django.db.models.deletion
from django.db import migrations, models


def split_catchment(apps, schema_editor):
    """Each stored catchment goes to the field of its own 学段."""
    SchoolCapacity = apps.get_model("places", "SchoolCapacity")
    for capacity in SchoolCapacity.objects.exclude(catchment=None).select_related("catchment"):
        field = "catchment_primary" if capacity.catchment.level == "primary" else "catchment_junior"
        setattr(capacity, field, capacity.catchment)
        capacity.save(update_fields=[field])


def join_catchment(apps, schema_editor):
    SchoolCapacity = apps.get_model("places", "SchoolCapacity")
    for capacity in SchoolCapacity.objects.all():
        capacity.catchment_id = capacity.catchment_primary_id or capacity.catchment_junior_id
        capacity.save(update_fields=["catchment"])


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_births_one_county_births_per_year"),
    ]

    operations = [
        migrations.AddField(
            model_name="schoolcapacity",
            name="catchment_primary",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"level": "primary"},
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="primary_schools",
                to="places.catchment",
                verbose_name="小学学区",
            ),
        ),
        migrations.AddField(
            model_name="schoolcapacity",
            name="catchment_junior",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"level": "junior"},
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="junior_schools",
                to="places.catchment",
                verbose_name="初中学区",
            ),
        ),
        migrations.RunPython(split_catchment, join_catchment),
        migrations.RemoveField(model_name="schoolcapacity", name="catchment"),
    ]
