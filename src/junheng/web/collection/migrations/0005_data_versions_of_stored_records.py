"""Every county-year that already has records gets its data version (`collection.data_versions`)."""

import uuid

from django.db import migrations


def give_tokens(apps, schema_editor):
    Organisation = apps.get_model("orgs", "Organisation")
    SchoolRecord = apps.get_model("collection", "SchoolRecord")
    DataVersion = apps.get_model("collection", "DataVersion")
    for county, path in Organisation.objects.filter(kind="county").values_list("pk", "path"):
        years = SchoolRecord.objects.filter(school__path__startswith=path).values_list("year", flat=True).distinct()
        DataVersion.objects.bulk_create(
            [DataVersion(county_id=county, year=year, token=uuid.uuid4().hex) for year in set(years)],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("collection", "0004_data_version")]

    operations = [migrations.RunPython(give_tokens, migrations.RunPython.noop)]
