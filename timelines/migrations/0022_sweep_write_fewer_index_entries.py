"""Fewer index entries per row the sweep writes (issue 20).

* ClockAlert.clock and ClockEvent.clock lose their single-column indexes: the unique
  (clock, level) index and the (clock, at) index start with the clock and serve every
  read by clock. The foreign keys stay; only the duplicate indexes go (dropped by name,
  so the constraints are not dropped and re-validated over every row).
* ClockEvent.actor: the index keeps only rows with an actor (nothing reads events by
  actor; it serves the PROTECT check when a user is deleted), so the sweep's events,
  which have none, add no entry.
* The sweep's selection index leaves out running clocks with nothing pending: a sweep
  that clears next_alert_at writes no entry there.
"""

from django.conf import settings
from django.db import migrations, models

import django.db.models.deletion


def _drop_index(table: str, column: str, name: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        sql=f'DROP INDEX IF EXISTS "{name}"',
        reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("timelines", "0021_merge_0010_clock_rule_key_0020_clockevent_declined"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="clock", name="clock_running_alert_idx"),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=models.Q(("next_alert_at__isnull", False), ("status", "running")),
                fields=["next_alert_at"],
                name="clock_running_alert_idx",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="clockalert",
                    name="clock",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="alerts",
                        to="timelines.clock",
                    ),
                ),
                migrations.AlterField(
                    model_name="clockevent",
                    name="clock",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="timelines.clock",
                    ),
                ),
                migrations.AlterField(
                    model_name="clockevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                _drop_index(
                    "timelines_clockalert", "clock_id", "timelines_clockalert_clock_id_584414b7"
                ),
                _drop_index(
                    "timelines_clockevent", "clock_id", "timelines_clockevent_clock_id_0f710dc7"
                ),
                _drop_index(
                    "timelines_clockevent", "actor_id", "timelines_clockevent_actor_id_ce88f994"
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="clockevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)),
                fields=["actor"],
                name="clockevent_actor_idx",
            ),
        ),
    ]
