"""Fault injection on demand (issue 11): run, read the figures it prints.

    .venv/bin/python ops/faults.py [worker-kill] [redis-outage] [postgres-restart]

With no argument it runs all three, each bounded in time, against a private lab
(ops/faultlab.py: PostgreSQL cluster "faults" on 127.0.0.1:5440, Redis on 6390). The
shared PostgreSQL and Redis are never touched. Exit status 0 only if every check held.

worker-kill       A sweep over thousands of overdue clocks; the Celery worker is killed
                  (SIGKILL) in the middle, restarted, and the next sweep runs (as beat
                  would enqueue it). Every clock must end with its alerts, each alert and
                  notification once.
redis-outage      Redis is stopped (a minute) while UM staff submit cases through
                  gunicorn. Every submission must succeed; health says 503 during the
                  outage and 200 after; the reviewers' secure-delivery e-mails go out.
postgres-restart  PostgreSQL restarts while UM staff open cases through gunicorn.
                  Requests fail cleanly (no traceback) during the restart and succeed
                  after it; every case in the database is whole (no partial case).
"""

import contextlib
import io
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import faultlab as lab

PORT = 8011
BASE = f"http://{lab.HOST}:{PORT}"
FAILURES: list[str] = []


def check(condition: bool, text: str) -> None:
    lab.say(("ok    " if condition else "FAILED ") + text)
    if not condition:
        FAILURES.append(text)


# --- worker killed mid-sweep -----------------------------------------------------------


def overdue_clocks(users: dict, cases: int = 6000) -> int:
    """Many cases (bulk rows, one real case for the member and practitioner), each with a
    running IMRO clock past due: three of the sweep's 2,000-clock batches."""
    from django.utils import timezone

    from cases.models import Case
    from timelines.models import Clock

    now = timezone.now()
    model = lab.lab_case(1000, users, ready=False)
    rows = [
        Case(
            tar_number=f"TAR-SWEEP-{number}",
            member=model.member,
            treating_practitioner=model.treating_practitioner,
            specialty="Dermatology",
            received_at_plan=now - timedelta(days=10),
            owner=users["um"],
            status="submitted",
        )
        for number in range(cases)
    ]
    created = Case.objects.bulk_create(rows, batch_size=2000)
    clocks = []
    for index, case in enumerate(created):
        due = now - timedelta(hours=2, minutes=index)
        clocks.append(
            Clock(
                case=case,
                name="imro_determination",
                review_type="standard",
                trigger="imro_receipt",
                rule_kind="business_days",
                rule_amount=5,
                on_pass="breach",  # noqa: S106 (not a password)
                started_at=due - timedelta(days=7),
                due_at=due,
                next_alert_at=due - timedelta(days=1),
                explanation={"lab": True},
            )
        )
    Clock.objects.bulk_create(clocks, batch_size=2000)
    return Clock.objects.running().filter(next_alert_at__lte=now).count()


def worker_kill() -> None:
    from django.db.models import Count
    from django.utils import timezone

    import imr.celery  # noqa: F401  (the app, configured from the lab's settings)
    from notifications.models import Notification
    from notifications.services import notifications_email_pending
    from timelines.models import Clock, ClockAlert, SweepRun
    from timelines.tasks import sweep_all_clocks

    lab.say("worker-kill: seeding")
    users = lab.lab_users()
    due = overdue_clocks(users)
    lab.say(f"worker-kill: {due} running clocks past their alert time")
    log = lab.LAB_DIR / "worker.log"
    log.unlink(missing_ok=True)
    worker_args = [
        str(lab.VENV_BIN / "celery"),
        "-A",
        "imr",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "-n",
        "lab@%h",
    ]
    env = lab.lab_env(LOG_LEVEL="INFO")
    killed_at_alerts = 0
    with lab.process(worker_args, log, env) as worker:
        sweep_all_clocks.delay()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            alerts = ClockAlert.objects.count()
            if alerts > 0 and not SweepRun.objects.exists():
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
                killed_at_alerts = alerts
                break
            time.sleep(0.02)
    check(killed_at_alerts > 0, f"worker killed mid-sweep after {killed_at_alerts} alerts")
    check(not SweepRun.objects.exists(), "the killed sweep did not finish")
    lab.say("worker-kill: restarting the worker; the next beat tick enqueues the sweep")
    with lab.process(worker_args, log, env):
        sweep_all_clocks.delay()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not SweepRun.objects.exists():
            time.sleep(0.5)
        time.sleep(2)  # let the on-commit e-mails of the last batch go out
    # Beat's 5-minute e-mail retry (notifications.tasks), run here at once, no age limit,
    # as it runs once the killed worker's claim has outlived its lease (R-SEC-9).
    import time_machine
    from django.conf import settings

    unsent_before_retry = Notification.objects.filter(emailed_at=None).count()
    after_lease = timezone.now() + timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS + 1)
    with (
        time_machine.travel(after_lease, tick=False),
        contextlib.redirect_stdout(io.StringIO()),  # the console e-mail backend's output
    ):
        retried = notifications_email_pending(older_than=timedelta(0))
    now = timezone.now()
    missed = Clock.objects.running().filter(next_alert_at__lte=now).count()
    without_breach = (
        Clock.objects.filter(explanation__lab=True).exclude(alerts__level="due_passed").count()
    )
    duplicates = (
        ClockAlert.objects.values("clock_id", "level").annotate(n=Count("pk")).filter(n__gt=1)
    )
    notified = ClockAlert.objects.filter(notified=True).count()
    notes = Notification.objects.filter(kind__startswith="clock_")
    dup_notes = (
        notes.values("recipient_id", "case_id", "text").annotate(n=Count("pk")).filter(n__gt=1)
    )
    mailed = len(re.findall(r"^Subject: ", log.read_text(errors="replace"), flags=re.M))
    check(SweepRun.objects.count() == 1, "the restarted worker's sweep finished")
    check(missed == 0, f"no clock left past its alert time (left: {missed})")
    check(
        without_breach == 0, f"every overdue clock has its breach alert (missing: {without_breach})"
    )
    check(not duplicates.exists(), "each (clock, level) alert recorded once")
    check(not dup_notes.exists(), f"{notes.count()} clock notifications, none duplicated")
    emailed = notes.exclude(emailed_at=None).count()
    lost = max(0, notes.count() - (mailed + retried))
    twice = max(0, mailed + retried - notes.count())
    check(emailed == notes.count(), f"every notification marked e-mailed ({emailed})")
    check(lost == 0, f"no e-mail lost with the killed worker (lost: {lost})")
    check(twice <= 1, f"at most the e-mail in flight at the kill sent twice ({twice})")
    lab.say(
        f"worker-kill figures: clocks={due} alerts={ClockAlert.objects.count()} "
        f"notified_alerts={notified} notifications={notes.count()} "
        f"e-mails: by workers={mailed}, unsent after the crash={unsent_before_retry}, "
        f"sent by the retry job={retried}, sent twice={twice}"
    )


# --- Redis outage ------------------------------------------------------------------------


def redis_outage() -> None:
    from cases.models import Case, Status
    from imr.api.auth import api_token_issue
    from reviewers.models import Submission

    users = lab.lab_users()
    cases = [lab.lab_case(2000 + n, users) for n in range(20)]
    _token, key = api_token_issue(user=users["um"], name="lab", created_by=None)
    log = lab.LAB_DIR / "gunicorn-redis.log"
    log.unlink(missing_ok=True)
    with lab.gunicorn(PORT, log, lab.lab_env()):
        lab.wait_http(f"{BASE}/healthz")
        staff = lab.Session(BASE, "um")
        check(staff.get("/healthz").status_code == 200, "health 200 before the outage")
        lab.redis_down()
        started = time.monotonic()
        lab.say("redis-outage: Redis stopped")
        statuses, timings = Counter(), []
        for case in cases:
            began = time.monotonic()
            response = staff.post(f"/portal/staff/cases/{case.pk}/submit/", {"delivery": "email"})
            timings.append(time.monotonic() - began)
            statuses[response.status_code] += 1
            time.sleep(3.0)  # spread over a minute, as people submit
        health = staff.get("/healthz").status_code
        page = staff.get("/cases/").status_code
        api = staff.http.get(
            f"{BASE}/api/v1/cases/", headers={"Authorization": f"Bearer {key}"}, timeout=15
        ).status_code
        lab.redis_up()
        outage = time.monotonic() - started
        lab.say(f"redis-outage: Redis back after {outage:.1f} s")
        time.sleep(1)
        health_after = staff.get("/healthz").status_code
        api_after = staff.http.get(
            f"{BASE}/api/v1/cases/", headers={"Authorization": f"Bearer {key}"}, timeout=15
        ).status_code
    submitted = Submission.objects.filter(case__in=cases).count()
    whole = Case.objects.filter(pk__in=[c.pk for c in cases], status=Status.SUBMITTED).count()
    mailed = log.read_text(errors="replace").count("a case is ready for your review")
    check(60 <= outage < 120, f"Redis down for at least a minute ({outage:.1f} s)")
    check(submitted == len(cases) == whole, f"{submitted}/{len(cases)} submissions during outage")
    check(statuses == Counter({302: len(cases)}), f"submit responses {dict(statuses)}")
    check(health == 503 and health_after == 200, f"health {health} during, {health_after} after")
    check(page == 200, f"the case list answered {page} during the outage")
    check(mailed == len(cases), f"secure-delivery e-mails sent: {mailed}/{len(cases)}")
    lab.say(
        f"redis-outage figures: submit p50={sorted(timings)[len(timings) // 2] * 1000:.0f} ms "
        f"max={max(timings) * 1000:.0f} ms; token API during outage={api}, after={api_after}"
    )
    check(api != 500, f"the token API answers without a 500 during the outage (got {api})")


# --- PostgreSQL restart ------------------------------------------------------------------


INTAKE = {
    "first_name": "Lab",
    "cin": "",
    "date_of_birth": "1970-01-01",
    "address_line1": "1 Lab Way",
    "city": "Labtown",
    "state": "CA",
    "postal_code": "95401",
    "language": "en",
    "practitioner_name": "Dr. Lab Treating",
    "practitioner_npi": "1234567893",
    "specialty": "Dermatology",
    "review_type": "standard",
    "received_at_plan": "2026-01-05T09:00",
    "circumstances": ["2"],
    "services": "0394T Image-guided brachytherapy of the skin",
    "diagnosis_codes": "C44.91",
    "questions": "Is the requested therapy more beneficial than standard excision?",
    "response_needed_by": "2026-12-31",
}


def postgres_restart(duration: float = 30.0) -> None:
    from cases.models import Case, CaseEvent
    from timelines.models import Clock

    lab.lab_users()
    log = lab.LAB_DIR / "gunicorn-postgres.log"
    log.unlink(missing_ok=True)
    outcomes: list[tuple[float, str]] = []
    with lab.gunicorn(PORT, log, lab.lab_env()):
        lab.wait_http(f"{BASE}/healthz")
        staff = lab.Session(BASE, "um")
        staff.get("/cases/new/")
        started = time.monotonic()
        restart = {}

        def restart_postgres() -> None:
            time.sleep(duration / 3)
            restart["from"] = time.monotonic() - started
            lab.pg_ctl("restart")
            restart["to"] = time.monotonic() - started

        restarter = threading.Thread(target=restart_postgres)
        restarter.start()
        number = 0
        while time.monotonic() - started < duration:
            number += 1
            data = {
                **INTAKE,
                "last_name": f"Restart{number}",
                "cin": f"{80000000 + number}R",
                "tar_number": f"TAR-PG-{number}",
            }
            at = time.monotonic() - started
            try:
                response = staff.post("/cases/new/", data, timeout=10)
                body = response.text
                if response.status_code == 302:
                    outcome = "created"
                elif response.status_code >= 500:
                    leaked = "Traceback" in body or "psycopg" in body or "OperationalError" in body
                    outcome = "500-with-traceback" if leaked else "500-plain"
                else:
                    outcome = f"http-{response.status_code}"
            except Exception as error:  # the connection itself failed
                outcome = f"connection-error:{type(error).__name__}"
            outcomes.append((at, outcome))
            time.sleep(0.05)
        restarter.join()
        after = staff.post(
            "/cases/new/",
            {**INTAKE, "last_name": "After", "cin": "89999999R", "tar_number": "TAR-PG-AFTER"},
        ).status_code
    lab.pg_wait()
    from django.db import connections

    connections.close_all()  # this process's own connection died with the restart
    counts = Counter(outcome for _, outcome in outcomes)
    created = Case.objects.filter(tar_number__startswith="TAR-PG-").exclude(
        tar_number="TAR-PG-AFTER"
    )
    partial = [
        case.tar_number
        for case in created
        if not (
            case.services.exists()
            and case.diagnoses.exists()
            and case.questions.exists()
            and case.circumstances.exists()
            and Clock.objects.filter(case=case).exists()
            and CaseEvent.objects.filter(case=case, kind="case_opened").exists()
        )
    ]
    failures_after = [
        o for at, o in outcomes if at > restart.get("to", duration) + 2 and o != "created"
    ]
    check("500-with-traceback" not in counts, "no failure page shows a traceback")
    check(not partial, f"{created.count()} cases in the database, none partial {partial}")
    check(
        created.count() == counts["created"],
        f"cases saved ({created.count()}) == 302 answers ({counts['created']})",
    )
    check(after == 302, f"a request after the restart succeeds ({after})")
    check(not failures_after, f"no failure 2 s after the restart ended ({failures_after[:3]})")
    lab.say(
        f"postgres-restart figures: {len(outcomes)} requests in {duration:.0f} s, "
        f"restart {restart.get('from', 0):.1f}–{restart.get('to', 0):.1f} s, "
        f"outcomes {dict(counts)}"
    )


SCENARIOS = {
    "worker-kill": worker_kill,
    "redis-outage": redis_outage,
    "postgres-restart": postgres_restart,
}


def main(argv: list[str]) -> int:
    chosen = argv or list(SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        print(__doc__)
        return 2
    lab.clean_lab_files()
    lab.pg_cluster_up()
    lab.redis_up()
    for name in chosen:
        began = time.monotonic()
        lab.say(f"=== {name}: fresh database, migrate")
        lab.redis_up()
        lab.run(["redis-cli", "-p", str(lab.REDIS_PORT), "flushall"], check=False)
        lab.fresh_database()
        lab.migrate()
        if "django" not in sys.modules or not _django_ready():
            lab.django_setup()
        from django.db import connections

        connections.close_all()
        SCENARIOS[name]()
        connections.close_all()
        lab.say(f"=== {name} took {time.monotonic() - began:.0f} s")
    lab.redis_down()
    lab.pg_ctl("stop", check=False)
    print(f"\nfaults: {len(FAILURES)} check(s) failed" if FAILURES else "\nfaults: all checks held")
    for failure in FAILURES:
        print(f"  - {failure}")
    return 1 if FAILURES else 0


def _django_ready() -> bool:
    from django.apps import apps

    return apps.ready


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
