"""Each clock names the rules-table row it was computed with (R-DL-16).

Clocks that exist already were computed with the rows first written into the table
(effective from 2018-06-13); their keys are written out here, as timelines.rules
computes them, so the migration never changes with a later edit of the table.
"""

from django.db import migrations, models

# (clock name, review type) -> ClockRule.key of the first version of the row.
FIRST_ROWS = {
    ("imro_determination", "standard"): "imro_determination/standard/any/2018-06-13",
    ("response_needed", "standard"): "response_needed/standard/any/2018-06-13",
    ("imro_determination", "expedited"): "imro_determination/expedited/any/2018-06-13",
    ("appeal_resolution", "expedited"): "appeal_resolution/expedited/any/2018-06-13",
    ("imro_determination_target", "retrospective"): (
        "imro_determination_target/retrospective/any/2018-06-13"
    ),
    ("imro_determination_limit", "retrospective"): (
        "imro_determination_limit/retrospective/any/2018-06-13"
    ),
    ("appeal_decision", "retrospective"): "appeal_decision/retrospective/any/2018-06-13",
    ("file_assembly", "standard"): "file_assembly/retrospective+standard/any/2018-06-13",
    ("file_assembly", "retrospective"): "file_assembly/retrospective+standard/any/2018-06-13",
    ("file_assembly", "expedited"): "file_assembly/expedited/any/2018-06-13",
}
KINDS = [
    ("business_days", "business_days"),
    ("calendar_days", "calendar_days"),
    ("elapsed_hours", "elapsed_hours"),
    ("fixed_date", "fixed_date"),
]


def backfill(apps, schema_editor):
    Clock = apps.get_model("timelines", "Clock")
    for (name, review_type), key in FIRST_ROWS.items():
        Clock.objects.filter(name=name, review_type=review_type, rule_key="").update(rule_key=key)


class Migration(migrations.Migration):
    dependencies = [("timelines", "0010_default_holidays_2031_2035")]

    operations = [
        migrations.AddField(
            model_name="clock",
            name="rule_key",
            field=models.CharField(blank=True, default="", max_length=120),
        ),
        migrations.AddField(
            model_name="historicalclock",
            name="rule_key",
            field=models.CharField(blank=True, default="", max_length=120),
        ),
        migrations.AlterField(
            model_name="clock",
            name="rule_kind",
            field=models.CharField(choices=KINDS, max_length=16),
        ),
        migrations.AlterField(
            model_name="historicalclock",
            name="rule_kind",
            field=models.CharField(choices=KINDS, max_length=16),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
