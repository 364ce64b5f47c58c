"""bin/run's first start: what it installs, when it collects static files, where the
embedded setup's e-mails go (issue 19)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from imr.management.commands.collectstatic_if_changed import Command as CollectIfChanged

ROOT = Path(__file__).resolve().parents[2]
STAMP_HELPER = ROOT / "bin" / "_install_stamp.py"


def _stamp(action: str, profile: str, stamp: Path, pyproject: Path) -> int:
    return subprocess.run(
        [sys.executable, str(STAMP_HELPER), action, profile, str(stamp), str(pyproject)],
        check=False,
    ).returncode


def _needed(profile: str, stamp: Path, pyproject: Path) -> bool:
    return _stamp("needed", profile, stamp, pyproject) == 0


def test_the_install_stamp_tells_a_run_install_from_a_dev_install(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('dependencies = ["Django==5.2.19"]\n')
    stamp = tmp_path / ".imr-installed"

    assert _needed("run", stamp, pyproject) and _needed("dev", stamp, pyproject)
    assert _stamp("record", "run", stamp, pyproject) == 0
    assert not _needed("run", stamp, pyproject), "bin/run again installs nothing"
    assert _needed("dev", stamp, pyproject), "bin/test after bin/run adds the dev extras"

    assert _stamp("record", "dev", stamp, pyproject) == 0
    assert not _needed("dev", stamp, pyproject)
    assert not _needed("run", stamp, pyproject), "bin/run after bin/test installs nothing"

    pyproject.write_text('dependencies = ["Django==5.2.20"]\n')
    assert _needed("run", stamp, pyproject), "a changed pin reinstalls"


def test_an_old_stamp_without_a_profile_reinstalls(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("x\n")
    stamp = tmp_path / ".imr-installed"
    stamp.write_text("0" * 64 + "\n")
    assert _needed("run", stamp, pyproject)
    assert _stamp("needed", "everything", stamp, pyproject) == 2


def test_bin_run_installs_without_and_bin_test_with_the_dev_extras():
    run = (ROOT / "bin" / "run").read_text()
    test = (ROOT / "bin" / "test").read_text()
    assert re.search(r'^IMR_INSTALL="\$\{IMR_INSTALL:-run\}"$', run, re.M)
    assert re.search(r"^IMR_INSTALL=dev$", test, re.M)
    assert "--worker-class gthread" in run


def test_collectstatic_runs_only_when_a_static_source_changed(tmp_path, capsys):
    source = tmp_path / "static"
    source.mkdir()
    (source / "site.css").write_text("body { color: black; }\n")
    with override_settings(
        STATICFILES_DIRS=[source],
        STATIC_ROOT=tmp_path / "collected",
        INSTALLED_APPS=["django.contrib.staticfiles"],
    ):
        call_command(CollectIfChanged())
        assert (tmp_path / "collected" / "site.css").is_file()
        call_command(CollectIfChanged())
        (source / "site.css").write_text("body { color: navy; }\n")
        call_command(CollectIfChanged())
        (tmp_path / "collected" / "site.css").unlink()
        call_command(CollectIfChanged(), force=True)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Static files collected.",
        "Static files unchanged: collectstatic skipped.",
        "Static files collected.",
        "Static files collected.",
    ]
    assert "navy" in (tmp_path / "collected" / "site.css").read_text()


def test_a_deleted_manifest_collects_again(tmp_path, capsys):
    source = tmp_path / "static"
    source.mkdir()
    (source / "app.js").write_text("console.log(1);\n")
    root = tmp_path / "collected"
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(
        STATICFILES_DIRS=[source],
        STATIC_ROOT=root,
        INSTALLED_APPS=["django.contrib.staticfiles"],
        STORAGES=storages,
    ):
        from django.contrib.staticfiles.storage import staticfiles_storage

        staticfiles_storage._setup()
        call_command(CollectIfChanged())
        (root / "staticfiles.json").unlink()
        call_command(CollectIfChanged())
    assert capsys.readouterr().out.splitlines() == ["Static files collected."] * 2
    assert (root / "staticfiles.json").is_file()


@pytest.mark.integration
def test_sweep_clocks_json_is_json_under_the_embedded_settings(tmp_path):
    """No DATABASE_URL: SQLite under var/, e-mails to files, stdout left to the command."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND", "EMAIL_FILE_PATH"}
    }
    env.update(DJANGO_SETTINGS_MODULE="imr.settings.base", IMR_VAR_DIR=str(tmp_path))

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )

    manage("migrate", "--noinput", "-v0")
    # The demo has an overdue and a nearly due clock: the sweep sends e-mails.
    manage("seed_demo", "--password", "demo-password-for-tests")
    result = manage("sweep_clocks", "--json")

    counts = json.loads(result.stdout)
    assert counts["notifications"] > 0
    mail = list((tmp_path / "mail").iterdir())
    assert mail, "the sweep's e-mails were written under var/mail/"
    assert all("Subject:" in message.read_text() for message in mail)


@pytest.mark.django_db
def test_prepare_run_prints_only_the_logins_block_and_where_mail_goes(tmp_path, capsys, settings):
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    # Each override drops SETTINGS_MODULE, which seed_demo checks: set it last.
    settings.SETTINGS_MODULE = "imr.settings.test"
    call_command("prepare_run")
    first = capsys.readouterr()
    call_command("prepare_run")
    again = capsys.readouterr()
    assert first.out.startswith("Empty database: loading synthetic demo data.")
    assert "passwords shown once" in first.out
    assert first.out.rstrip().endswith(f"written as files to {tmp_path / 'mail'}/")
    assert "==> migrating the database" in first.err
    assert "Static files collected." in first.err
    assert "Static files unchanged: collectstatic skipped." in again.err
    assert "passwords were shown at the first start" in again.out
    assert "demo-" not in again.out.replace("demo.", "").replace("DEMO-", "")
