"""The case's origin picks the plan's own overall clock (R-DL-14, policy VI.F.9).

Existing cases get the origin intake now records (cases.models.origin_for): retrospective
reviews are retrospective requests, cases referred under VI.B.3 are appeals, the rest are
pre-service requests. Historical rows are left as they were.
"""

from django.db import migrations, models

ORIGINS = [
    ("appeal", "Appeal"),
    ("pre_service", "Pre-service request"),
    ("retrospective", "Retrospective request"),
]
APPEAL_CIRCUMSTANCE = 3


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(review_type="retrospective").update(origin="retrospective")
    Case.objects.exclude(review_type="retrospective").filter(
        circumstances__circumstance=APPEAL_CIRCUMSTANCE
    ).update(origin="appeal")


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_caseevent_actor_name")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="origin",
            field=models.CharField(choices=ORIGINS, default="pre_service", max_length=16),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="origin",
            field=models.CharField(choices=ORIGINS, default="pre_service", max_length=16),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
