"""Time the sweep on PostgreSQL with many running clocks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench \\
    EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \\
    .venv/bin/python bench/sweep_bench.py 10000 100000

For each size it migrates an empty database, bulk-loads that many open cases each with
one running clock, and times:
  quiet   - a sweep when no clock has reached a warning time (the normal 5-minute run);
  one_pct - a sweep when 1% of the clocks have just breached (a busy night);
  all     - a sweep when every clock has breached at once (worst case), notifying the
            owner and a CMO, e-mail included (dummy backend);
  again   - the same sweep repeated (everything already recorded).
Never run it against a database that holds real data: it deletes clocks and cases.
"""

import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr.settings.base")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cases.models import Case, Member, Practitioner  # noqa: E402
from imr.roles import Role, sync_role_groups  # noqa: E402
from notifications.models import Notification  # noqa: E402
from timelines.calendar import plan_zone  # noqa: E402
from timelines.models import Clock, ClockAlert, ClockEvent, SweepRun  # noqa: E402
from timelines.services import sweep  # noqa: E402
from timelines.sweep import case_path  # noqa: E402
from timelines.thresholds import next_alert_at  # noqa: E402

NOW = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


def reset() -> None:
    for model in (Notification, ClockAlert, ClockEvent, Clock.history.model, Clock, SweepRun):
        model.objects.all().delete()
    with connection.cursor() as cursor:
        # The case event log refuses TRUNCATE unless the session says so (as the test
        # settings do): this scratch database's cases are the bench's own.
        cursor.execute("SET imr.audit_truncate_allowed = on")
        cursor.execute("TRUNCATE cases_case, cases_historicalcase CASCADE")


def load(size: int, *, breached: int) -> None:
    """`size` open cases with one running standard IMRO clock each; `breached` past due."""
    User = get_user_model()
    sync_role_groups(apps)
    owner, _ = User.objects.get_or_create(username="bench.owner", defaults={"email": "o@x.invalid"})
    cmo, _ = User.objects.get_or_create(username="bench.cmo", defaults={"email": "c@x.invalid"})
    cmo.groups.add(Group.objects.get(name=str(Role.CMO)))
    member = Member.objects.first() or Member.objects.create(
        first_name="Bench",
        last_name="Member",
        cin="1",
        date_of_birth=date(1970, 1, 1),
        address_line1="1 St",
        city="Town",
        postal_code="95401",
    )
    practitioner = Practitioner.objects.first() or Practitioner.objects.create(name="Dr B")
    cases = Case.objects.bulk_create(
        [
            Case(
                tar_number=f"B{i}",
                member=member,
                treating_practitioner=practitioner,
                specialty="x",
                received_at_plan=NOW - timedelta(days=10),
                owner=owner,
                status="submitted",
            )
            for i in range(size)
        ],
        batch_size=5000,
    )
    zone = plan_zone()
    clocks = []
    for i, case in enumerate(cases):
        # Past-due clocks first; the rest are due two weeks out (no warning reached).
        due = NOW - timedelta(hours=1) if i < breached else NOW + timedelta(days=14)
        clock = Clock(
            case=case,
            name="imro_determination",
            review_type="standard",
            trigger="imro_receipt",
            rule_kind="business_days",
            rule_amount=5,
            on_pass="breach",  # noqa: S106 (not a password)
            started_at=due - timedelta(days=7),
            due_at=due,
            explanation={},
        )
        clock.next_alert_at = next_alert_at(clock=clock, recorded=set(), zone=zone)
        clocks.append(clock)
    Clock.objects.bulk_create(clocks, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE timelines_clock")


def timed(label: str, size: int, **kwargs: object) -> None:
    start = time.perf_counter()
    result = sweep(now=NOW, **kwargs)
    seconds = time.perf_counter() - start
    print(
        f"{size:>7} running  {label:<8} {seconds:8.3f} s  "
        f"examined={result.examined} breached={result.breached} "
        f"notifications={result.notifications}",
        flush=True,
    )


def main(sizes: list[int]) -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on PostgreSQL (set DATABASE_URL).")
    call_command("migrate", verbosity=0)
    case_path(1)  # load the URL conf once, as a long-running worker has
    for size in sizes:
        reset()
        load(size, breached=0)
        timed("quiet", size)
        reset()
        load(size, breached=size // 100)
        timed("one_pct", size)
        reset()
        load(size, breached=size)
        timed("all", size)
        timed("again", size)
    reset()


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10_000, 100_000])
