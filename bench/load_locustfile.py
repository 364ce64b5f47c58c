# ruff: noqa: S311  (random picks load-test targets; nothing secret)
"""Locust users for bench/load_run.py: UM staff browsing, and a few submitting cases.

Loopback only (the runner passes --host http://127.0.0.1:…). Each user signs in once
with the lab's synthetic account, then works: browsers open the work queue, case pages,
the clocks page and the case search, download a stored document and preview a member
letter; submitters send one ready case each turn through the reviewer panel's submit
form. Case and document ids come from files the runner writes.
"""

import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, events, task

LAB = Path(os.environ.get("FAULTS_DIR", "/tmp/imr-faultlab"))  # noqa: S108
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
BROWSE_IDS = [int(x) for x in (LAB / "load-browse-ids.txt").read_text().split()]
DOCUMENTS = (LAB / "load-documents.txt").read_text().split()  # "case_id/document_id"
LETTER_IDS = [int(x) for x in (LAB / "load-letter-ids.txt").read_text().split()]
USERS = int(os.environ.get("LOAD_USERS", "50"))
READY_IDS = [int(x) for x in (LAB / "load-ready-ids.txt").read_text().split()]
random.shuffle(READY_IDS)
# Half the searches are a TAR number, half a surname the generator uses (tests.support.synthetic).
SURNAMES = ["Garcia", "Nguyen", "Smith", "Lopez", "Johnson", "Hernandez"]
THINK_LOW, THINK_HIGH = (float(x) for x in os.environ.get("LOAD_THINK", "5,20").split(","))

TIMINGS: list[tuple[str, float, bool, float]] = []


@events.request.add_listener
def _record(name: str, response_time: float, exception, start_time: float = 0.0, **_) -> None:
    TIMINGS.append((name, response_time, exception is None, start_time))


@events.quitting.add_listener
def _write_timings(**_) -> None:
    """Every request's time and start (epoch seconds), so the runner can take exact
    percentiles over any subset and any window (the steady state after the sign-ins)."""
    with (LAB / "load-requests.csv").open("w") as handle:
        handle.writelines(
            f"{name},{ms:.1f},{int(ok)},{start:.3f}\n" for name, ms, ok, start in TIMINGS
        )


class _SignedIn(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/accounts/login/",
            {"username": "um", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
        )

    def _post(self, path: str, data: dict, name: str):
        """A form POST as the browser sends it; the caller marks it (catch_response)."""
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(
            path,
            data,
            headers={"Referer": f"{self.host}{path}"},
            allow_redirects=False,
            name=name,
            catch_response=True,
        )


class StaffBrowsing(_SignedIn):
    fixed_count = USERS
    wait_time = between(THINK_LOW, THINK_HIGH)

    # Weights: the queue and case pages most, a letter preview (a PDF render) rarely.
    @task(10)
    def work_queue(self) -> None:
        self.client.get("/", name="work queue")

    @task(10)
    def case_page(self) -> None:
        self.client.get(f"/cases/{random.choice(BROWSE_IDS)}/", name="case page")

    @task(2)
    def case_clocks(self) -> None:
        self.client.get(f"/timelines/cases/{random.choice(BROWSE_IDS)}/clocks/", name="clocks")

    @task(2)
    def document_download(self) -> None:
        case_id, document_id = random.choice(DOCUMENTS).split("/")
        self.client.get(
            f"/cases/{case_id}/documents/{document_id}/download/", name="document download"
        )

    @task(1)
    def letter_preview(self) -> None:
        # A render of the member letter (WeasyPrint): the dearest page staff open.
        self.client.get(
            f"/cases/{random.choice(LETTER_IDS)}/letters/member/preview.pdf",
            name="letter preview",
        )

    @task(3)
    def search(self) -> None:
        # The term is POSTed (it never goes in a URL); the answer redirects to the list.
        path = "/cases/search/"
        self.client.post(
            path,
            {
                "q": random.choice(
                    [f"SYN2026{random.randint(1, 99999):08d}", random.choice(SURNAMES)]
                ),
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/cases/"},
            name="case search",
        )


class StaffSubmitting(_SignedIn):
    fixed_count = 5
    wait_time = between(4 * THINK_LOW, 4 * THINK_HIGH)

    @task
    def submit_one(self) -> None:
        if not READY_IDS:
            return
        case_id = READY_IDS.pop()
        # A ready case's submission redirects to its page; anything else (the form shown
        # again with a refusal) is a failure of the run. Until issue 20's second pass the
        # with-block lacked catch_response, so locust raised after every submit and the
        # case page after it was never asked for.
        with self._post(
            f"/portal/staff/cases/{case_id}/submit/", {"delivery": "portal"}, "submit"
        ) as response:
            if response.status_code != 302:
                response.failure(f"submission not accepted: {response.status_code}")
                return
        with self.client.get(
            f"/cases/{case_id}/", name="case page after submit", catch_response=True
        ) as page:
            if not re.search(r"Submitted|submitted", page.text):
                page.failure("the case page does not show the submission")


# A diagnostic run may leave pages out of the mix (load_run.py --without work_queue): what
# the rest of the mix achieves shows what one page costs the whole. Never for the bar.
WITHOUT = set(filter(None, os.environ.get("LOAD_WITHOUT", "").split(",")))
StaffBrowsing.tasks = [t for t in StaffBrowsing.tasks if t.__name__ not in WITHOUT]
