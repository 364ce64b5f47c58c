from django.db import migrations

from imr.roles import sync_role_groups


def forwards(apps, schema_editor):
    # The Administrator now manages users and groups in the admin (R-SEC-8), and the
    # "Service account" group (no capabilities) marks accounts an Administrator may issue
    # an API token for (R-SEC-2).
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("imr", "0004_api_tokens"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
