# Sourced by bin/run and bin/test: create or reuse .venv and install the project.
# Reinstalls only when pyproject.toml changed since the last install, or when the
# caller needs more than was installed (IMR_INSTALL, below).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

die() { echo "error: $*" >&2; exit 1; }

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || die "python3 (3.11 or newer) is not installed."
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "Python 3.11 or newer is needed; $("$PYTHON" --version) found."

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
# IMR_INSTALL=run (bin/run: the project alone) or dev (bin/test: with the dev extras).
# The stamp records the profile, so bin/test after bin/run adds the dev extras and
# bin/run after bin/test installs nothing (bin/_install_stamp.py).
IMR_INSTALL="${IMR_INSTALL:-dev}"
stamp=".venv/.imr-installed"
need=0
"$PYTHON" bin/_install_stamp.py needed "$IMR_INSTALL" "$stamp" pyproject.toml || need=$?
[ "$need" -le 1 ] || die "IMR_INSTALL must be run or dev, not '$IMR_INSTALL'."
if [ "$need" = 0 ]; then
  if [ "$IMR_INSTALL" = dev ]; then
    echo "==> installing dependencies with the dev extras (first run takes a few minutes)"
    target=".[dev]"
  else
    echo "==> installing the dependencies to run the app (first run takes a minute)"
    target="."
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e "$target"
  "$PYTHON" bin/_install_stamp.py record "$IMR_INSTALL" "$stamp" pyproject.toml
fi
PY="$ROOT/.venv/bin/python"
