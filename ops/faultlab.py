"""A private lab for fault runs: its own PostgreSQL cluster and Redis, on loopback only.

The shared services (PostgreSQL on 5432, Redis on 6379) are never stopped: the lab has a
cluster "faults" on port 5440 and a Redis on port 6390, both throwaway. Scripts in ops/
start them, point Django at them and seed a few cases through the real services.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_VERSION = os.environ.get("FAULTS_PG_VERSION", "15")
PG_CLUSTER = os.environ.get("FAULTS_PG_CLUSTER", "faults")  # another name: a lab of your own
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "5440"))
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6390"))
DB_NAME = "imr_faults"
HOST = "127.0.0.1"
LAB_DIR = Path(os.environ.get("FAULTS_DIR", "/tmp/imr-faultlab"))  # noqa: S108 (throwaway lab)
PASSWORD = "fault-lab-password-19"  # noqa: S105 (synthetic lab accounts only)


def database_url(name: str = DB_NAME) -> str:
    return f"postgres://postgres@{HOST}:{PG_PORT}/{name}"


def redis_url() -> str:
    return f"redis://{HOST}:{REDIS_PORT}/0"


def lab_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="imr.settings.base",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url(),
        IMR_VAR_DIR=str(LAB_DIR / "var"),
        DOCUMENT_STORAGE_ROOT=str(LAB_DIR / "documents"),
        TAR_BUNDLE_DIR=str(LAB_DIR / "tar-bundles"),
        SITE_URL=f"http://{HOST}:8011",
        LOG_LEVEL="WARNING",
        DEBUG="false",
    )
    env.update(extra)
    return env


def say(text: str) -> None:
    # UTC: django.setup() in this process sets TZ to the plan's zone halfway through a run.
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {text}", flush=True)


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("check", True)
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("timeout", 300)
    return subprocess.run(args, **kwargs)  # noqa: S603 (fixed argument lists)


# --- PostgreSQL ------------------------------------------------------------------------


def pg_cluster_up() -> None:
    listing = run(["pg_lsclusters", "--no-header"]).stdout
    if not any(line.split()[:2] == [PG_VERSION, PG_CLUSTER] for line in listing.splitlines()):
        say(f"creating PostgreSQL cluster {PG_VERSION}/{PG_CLUSTER} on port {PG_PORT}")
        run(
            [
                "pg_createcluster",
                PG_VERSION,
                PG_CLUSTER,
                "--port",
                str(PG_PORT),
                "--",
                "--auth-local=trust",
                "--auth-host=trust",
            ]
        )
    pg_ctl("start", check=False)
    pg_wait()


def pg_ctl(action: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, PG_CLUSTER, action],
        check=check,
    )


def pg_wait(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = run(["pg_isready", "-h", HOST, "-p", str(PG_PORT)], check=False)
        if ready.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError("the fault-lab PostgreSQL did not come up")


def psql(sql: str, database: str = "postgres") -> str:
    return run(
        ["psql", "-h", HOST, "-p", str(PG_PORT), "-U", "postgres", "-d", database, "-Atc", sql]
    ).stdout


def fresh_database(name: str = DB_NAME) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')


# --- Redis -----------------------------------------------------------------------------


def redis_up() -> None:
    LAB_DIR.mkdir(parents=True, exist_ok=True)
    if run(["redis-cli", "-p", str(REDIS_PORT), "ping"], check=False).stdout.strip() == "PONG":
        return
    run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            HOST,
            "--port",
            str(REDIS_PORT),
            "--save",
            "",
            "--appendonly",
            "no",
            "--pidfile",
            str(LAB_DIR / "redis.pid"),
        ]
    )
    for _ in range(50):
        if run(["redis-cli", "-p", str(REDIS_PORT), "ping"], check=False).stdout.strip() == "PONG":
            return
        time.sleep(0.1)
    raise RuntimeError("the fault-lab Redis did not come up")


def redis_down() -> None:
    run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], check=False)


# --- processes -------------------------------------------------------------------------


@contextmanager
def process(args: list[str], log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """A child in its own process group, always stopped on the way out."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        child = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield child
    finally:
        stop(child)


def stop(child: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if child.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(child.pid, sig)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=10)


# gunicorn's --keep-alive, as bin/run and docker-compose.yml set it: an idle connection is
# kept open longer than any client waits before reusing it (a load user's think time of a
# few seconds; Caddy's pool of idle upstream connections, 2 minutes by default). With
# gunicorn's default of 2 s, a client reusing a connection the server had just closed got
# ConnectionResetError (issue 20). A gthread worker parks an idle connection in its
# poller, not in a thread, so a long keep-alive costs a socket, not capacity.
KEEP_ALIVE_SECONDS = 150


def gunicorn(port: int, log: Path, env: dict[str, str], workers: int = 2, threads: int = 0):
    """gunicorn on the lab port; `threads` > 0: threaded workers (gthread) with the
    keep-alive of bin/run and docker-compose (a sync worker keeps no connection alive)."""
    threaded = (
        [
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            str(KEEP_ALIVE_SECONDS),
        ]
        if threads
        else []
    )
    return process(
        [
            str(VENV_BIN / "gunicorn"),
            "imr.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            *threaded,
            "--timeout",
            "30",
        ],
        log,
        env,
    )


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


# --- Django in this process ------------------------------------------------------------


def django_setup() -> None:
    os.environ.update(lab_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate() -> None:
    run([str(VENV_BIN / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=lab_env())


def lab_users() -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from imr.roles import Role

    users = {}
    for username, role in (
        ("um", Role.UM_STAFF),
        ("cmo", Role.CMO),
        ("reviewer", Role.IMRO_REVIEWER),
    ):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@lab.example.invalid"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=str(role)))
        users[username] = user
    return users


def lab_specialist(reviewer):
    from reviewers.models import Imro, Specialist, Specialty

    far = date(2099, 12, 31)
    imro, _ = Imro.objects.get_or_create(
        name="Lab IMRO",
        defaults={
            "contract_start": date(2020, 1, 1),
            "contract_end": far,
            "contact_name": "Lab",
            "secure_delivery_address": "secure@imro.lab.example.invalid",
            "charge_standard": Decimal("400"),
            "charge_expedited": Decimal("550"),
            "charge_retrospective": Decimal("350"),
        },
    )
    specialist, _ = Specialist.objects.get_or_create(
        name="Dr. Lab Reviewer",
        defaults={
            "specialty": Specialty.objects.get_or_create(name="Dermatology")[0],
            "board_certified": True,
            "board_certification_expires": far,
            "license_state": "CA",
            "license_number": "A90001",
            "license_expires": far,
            "actively_practicing": True,
            "imro": imro,
            "user": reviewer,
            "qualifications": "Board-certified dermatologist.",
        },
    )
    return specialist


def lab_case(number: int, users: dict, *, ready: bool = True):
    """A synthetic case through the real services; ready to submit when `ready`."""
    from django.utils import timezone

    from cases.models import Member, Practitioner
    from cases.services import CaseDetails, ServiceLine, case_create, referral_approve
    from reviewers import services as reviewer_services

    member = Member.objects.create(
        first_name="Lab",
        last_name=f"Member{number}",
        cin=f"{70000000 + number}L",
        date_of_birth=date(1970, 1, 1),
        address_line1="1 Lab Way",
        city="Labtown",
        postal_code="95401",
    )
    practitioner = Practitioner.objects.create(name="Dr. Lab Treating", npi="1234567893")
    details = CaseDetails(
        tar_number=f"TAR-LAB-{number}",
        specialty="Dermatology",
        review_type="standard",
        received_at_plan=timezone.now() - timedelta(hours=3),
        circumstances=[2],
        services=[ServiceLine("0394T", "Image-guided brachytherapy of the skin")],
        diagnosis_codes=["C44.91"],
        questions=["Is the requested therapy more beneficial than standard excision?"],
        response_needed_by=timezone.localdate() + timedelta(days=14),
        relevant_information="Lab.",
        practitioner_information="Lab.",
        medical_history="Lab.",
        clinical_data="Lab.",
    )
    case = case_create(
        member=member,
        practitioner=practitioner,
        details=details,
        owner=users["um"],
        actor=users["um"],
    )
    if ready:
        referral_approve(case=case, actor=users["cmo"])
        specialist = lab_specialist(users["reviewer"])
        reviewer_services.assignment_create(
            case=case, specialist=specialist, actor=users["um"], outside_suggestion_reason="Lab."
        )
        reviewer_services.attestation_record(
            case=case,
            specialist=specialist,
            actor=users["um"],
            answers=dict.fromkeys(
                [
                    "plan_or_officers",
                    "treating_physician_or_group",
                    "facility",
                    "manufacturer",
                    "member_or_family",
                ],
                False,
            ),
        )
    return case


class Session:
    """A signed-in browser session against the lab's gunicorn (requests, loopback)."""

    def __init__(self, base: str, username: str) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        page = self.http.get(f"{base}/accounts/login/", timeout=10)
        page.raise_for_status()
        response = self.http.post(
            f"{base}/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.http.cookies["csrftoken"],
            },
            headers={"Referer": f"{base}/accounts/login/"},
            allow_redirects=False,
            timeout=10,
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in as {username} failed: {response.status_code}")

    def post(self, path: str, data: dict, timeout: float = 15):
        data = {**data, "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        return self.http.post(
            f"{self.base}{path}",
            data=data,
            headers={"Referer": f"{self.base}{path}"},
            allow_redirects=False,
            timeout=timeout,
        )

    def get(self, path: str, timeout: float = 15):
        return self.http.get(f"{self.base}{path}", allow_redirects=False, timeout=timeout)


def clean_lab_files() -> None:
    for folder in ("var", "documents", "tar-bundles"):
        shutil.rmtree(LAB_DIR / folder, ignore_errors=True)
