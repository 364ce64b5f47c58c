"""Fill the summary table from the facts on a database that already has cases.

Uses the live code (reports.summary.summary_rebuild, the same as
`manage.py rebuild_report_summary`): the summary must equal what the report computes
from the facts, so it is built by the code that computes it. On an empty database (a
fresh install or the test database) there is nothing to build and nothing runs.
"""

from django.db import migrations


def build(apps, schema_editor):
    if not apps.get_model("reviewers", "Submission").objects.exists():
        return
    from reports.summary import summary_rebuild

    summary_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_month_summary"),
        ("reviewers", "0004_review_turnaround"),
        ("cases", "0043_letter_templates_v2"),
        ("timelines", "0021_merge_0010_clock_rule_key_0020_clockevent_declined"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop, elidable=True)]
