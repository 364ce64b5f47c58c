"""Schemathesis against a live server, with a token for each role: no 5xx, nothing off-schema.

Bounded: a few generated examples per operation and role, a timeout on each run. The
server is this test process's live_server, on the loopback address only.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from imr.api.auth import api_token_issue
from imr.roles import Role
from tests.support.cases import open_case
from tests.support.personas import make_user

ROLES = {
    "coordinator": Role.UM_STAFF,
    "cmo": Role.CMO,
    "quac": Role.QUAC,
    "reviewer": Role.IMRO_REVIEWER,
    "administrator": Role.ADMINISTRATOR,
}
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
MAX_EXAMPLES = 3
# A hard cap for all roles together; a run takes about 90 s on an idle two-core machine.
RUN_TIMEOUT = 240


@pytest.mark.integration
# Serialized rollback, like the other transactional tests: the flush after this test
# must not recreate content types that the next one restores.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_server_error_and_no_response_off_schema(live_server, tmp_path: Path, settings_):
    owner = make_user("fuzz-owner", Role.UM_STAFF)
    open_case(owner)  # something to find for the endpoints that list
    keys = {
        persona: api_token_issue(
            user=make_user(f"fuzz-{persona}", role), name="fuzz", created_by=None
        )[1]
        for persona, role in ROLES.items()
    }
    schema = Client(HTTP_AUTHORIZATION=f"Bearer {keys['coordinator']}").get(
        "/api/v1/schema/", {"format": "json"}
    )
    assert schema.status_code == 200
    schema_file = tmp_path / "schema.json"
    schema_file.write_bytes(schema.content)

    started = time.monotonic()
    figures = {}
    for persona, key in keys.items():
        remaining = RUN_TIMEOUT - (time.monotonic() - started)
        assert remaining > 0, f"out of time before {persona}: {figures}"
        report = tmp_path / f"{persona}.json"
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "run",
                str(schema_file),
                "--url",
                live_server.url,
                "--header",
                f"Authorization: Bearer {key}",
                "--checks",
                CHECKS,
                "--max-examples",
                str(MAX_EXAMPLES),
                "--phases",
                "examples,fuzzing",
                "--seed",
                "8",
                "--request-timeout",
                "20",
                "--workers",
                "1",
                "--no-shrink",
                "--report",
                "json",
                "--report-json-path",
                str(report),
            ],
            cwd=tmp_path,  # schemathesis keeps its example database in the working folder
            capture_output=True,
            text=True,
            timeout=remaining,
        )
        (tmp_path / f"{persona}.txt").write_text(run.stdout + run.stderr)
        figures[persona] = run.stdout.splitlines()[-1:] if run.stdout else run.stderr[-500:]
        assert run.returncode == 0, f"{persona}: see {tmp_path / persona}.txt\n{run.stdout[-6000:]}"
    print(json.dumps(figures, indent=1), f"{time.monotonic() - started:.0f} s")


@pytest.fixture
def settings_(settings):
    # Fuzzing sends hundreds of requests a minute with each token.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/min"},
    }
    return settings
