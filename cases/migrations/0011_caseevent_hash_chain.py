"""The case event log and the access log are append-only; each case's events are a
hash chain (R-SEC-6, issue 16 finding 7).

In order: the chain's columns are added, existing events are chained (per case, by id,
the same hash as cases.events computes), and only then are the triggers created that
refuse UPDATE, DELETE and TRUNCATE on cases_caseevent and cases_accesslog. TRUNCATE is
let through only for a session that sets `imr.audit_truncate_allowed = on`, which only
the test settings do (Django's flush between transactional tests). SQLite (the run
command's embedded database) gets no trigger; the product never updates or deletes
these rows, and the chain still shows a change.
"""

from django.db import migrations, models

from cases.events import GENESIS, event_row_hash
from imr.bulk import column_set

_BATCH = 5000
_FIELDS = ("id", "case_id", "kind", "actor_id", "actor_name", "at", "summary", "data")

CREATE = """
CREATE OR REPLACE FUNCTION cases_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('imr.audit_truncate_allowed', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_caseevent_append_only
    BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION cases_append_only();
CREATE TRIGGER cases_caseevent_no_truncate
    BEFORE TRUNCATE ON cases_caseevent
    FOR EACH STATEMENT EXECUTE FUNCTION cases_append_only();
CREATE TRIGGER cases_accesslog_append_only
    BEFORE UPDATE OR DELETE ON cases_accesslog
    FOR EACH ROW EXECUTE FUNCTION cases_append_only();
CREATE TRIGGER cases_accesslog_no_truncate
    BEFORE TRUNCATE ON cases_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION cases_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;
DROP TRIGGER IF EXISTS cases_caseevent_no_truncate ON cases_caseevent;
DROP TRIGGER IF EXISTS cases_accesslog_append_only ON cases_accesslog;
DROP TRIGGER IF EXISTS cases_accesslog_no_truncate ON cases_accesslog;
DROP FUNCTION IF EXISTS cases_append_only();
"""


def chain_existing_events(apps, schema_editor) -> None:
    """Chain every stored event, case by case in id order, in batches of updates."""
    CaseEvent = apps.get_model("cases", "CaseEvent")
    rows = CaseEvent.objects.order_by("case_id", "id").values_list(*_FIELDS)
    case_id, previous = None, GENESIS
    prev_hashes: dict[int, str] = {}
    row_hashes: dict[int, str] = {}
    for pk, event_case, kind, actor_id, actor_name, at, summary, data in rows.iterator(
        chunk_size=_BATCH
    ):
        if event_case != case_id:
            case_id, previous = event_case, GENESIS
        row_hash = event_row_hash(
            previous,
            case_id=event_case,
            kind=kind,
            actor_id=actor_id,
            actor_name=actor_name,
            at=at,
            summary=summary,
            data=data,
        )
        prev_hashes[pk], row_hashes[pk] = previous, row_hash
        previous = row_hash
        if len(row_hashes) >= _BATCH:
            _write(prev_hashes, row_hashes)
    _write(prev_hashes, row_hashes)


def _write(prev_hashes: dict[int, str], row_hashes: dict[int, str]) -> None:
    column_set(table="cases_caseevent", column="prev_hash", kind="text", values=prev_hashes)
    column_set(table="cases_caseevent", column="row_hash", kind="text", values=row_hashes)
    prev_hashes.clear()
    row_hashes.clear()


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            # A plain cursor: the plpgsql body's "%" placeholders are not query parameters.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_accesslog_objects")]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseevent",
            name="row_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
