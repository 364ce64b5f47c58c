#!/usr/bin/env bash
# Audit the installed dependencies for known vulnerabilities (pip-audit, --strict).
# Run it on a machine that reaches PyPI's JSON API or OSV (a workstation, a release job):
# the CI network serves packages but not vulnerability data, so this is not in bin/test.
# --strict fails when a package could not be audited, so "nothing checked" never passes.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/pip-audit --strict --progress-spinner off "$@"
