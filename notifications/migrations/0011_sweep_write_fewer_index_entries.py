"""Notification.case loses its index (issue 20): nothing reads notifications by case, and
every row the sweep writes paid an entry in it. The foreign key stays; the index is
dropped by name, so the constraint is not dropped and re-validated over every row."""

from django.db import migrations, models

import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0010_notification_email_claimed_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="case",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.case",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql='DROP INDEX IF EXISTS "notifications_notification_case_id_56957150"',
                    reverse_sql=(
                        'CREATE INDEX "notifications_notification_case_id_56957150" '
                        'ON "notifications_notification" ("case_id")'
                    ),
                ),
            ],
        ),
    ]
