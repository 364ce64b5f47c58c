"""Check every case's event log hash chain end to end (R-SEC-6).

manage.py audit_verify            every case
manage.py audit_verify --case 12  one case

Prints "OK" with the number of events and cases checked, or names the first broken
event (case, event id, expected and stored hashes) and exits with status 1.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.events import events_chain_check
from cases.models import CaseEvent

_FIELDS = ("id", "case_id", "kind", "actor_id", "actor_name", "at", "summary", "data")


class Command(BaseCommand):
    help = "Verify the case event logs' hash chains; exit 1 naming the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", type=int, help="Check only this case (its id).")

    def handle(self, *args: object, **options: object) -> None:
        events = CaseEvent.objects.order_by("case_id", "id")
        if options["case"] is not None:
            events = events.filter(case_id=options["case"])
        rows = events.values(*_FIELDS, "prev_hash", "row_hash").iterator(chunk_size=5000)
        try:
            count, cases, broken = events_chain_check(rows)
        finally:
            rows.close()  # the server-side cursor, now, while its transaction is open
        if broken is not None:
            raise CommandError(
                f"BROKEN: case {broken['case_id']} event {broken['event_id']}: "
                f"expected row_hash {broken['expected']}, stored {broken['stored']}; "
                f"expected prev_hash {broken['expected_prev']}, stored {broken['stored_prev']} "
                f"({count} events before it verified)"
            )
        self.stdout.write(f"OK: {count} events in {cases} cases, every chain intact.")
