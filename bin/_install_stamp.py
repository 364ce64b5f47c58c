"""Decide whether bin/_venv.sh must (re)install the project into .venv (standard library only).

The stamp file records what the last install put into .venv: the hash of pyproject.toml
and the profile, "run" (the project alone: what bin/run needs) or "dev" (the project with
its dev extras: what bin/test needs). A "dev" install also serves "run", so bin/run after
bin/test does not reinstall, while bin/test after bin/run still installs the dev extras.

    python bin/_install_stamp.py needed PROFILE STAMP PYPROJECT   # exit 0: install needed
    python bin/_install_stamp.py record PROFILE STAMP PYPROJECT   # after a good install
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

PROFILES = ("run", "dev")
# Which installed profiles satisfy a wanted one.
SATISFIES = {"run": {"run", "dev"}, "dev": {"dev"}}


def fingerprint(pyproject: Path) -> str:
    """The sha256 of pyproject.toml: a changed pin means a new install."""
    return hashlib.sha256(pyproject.read_bytes()).hexdigest()


def install_needed(profile: str, stamp: Path, pyproject: Path) -> bool:
    """True when .venv lacks what `profile` needs for this pyproject.toml."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {PROFILES}")
    try:
        recorded_hash, recorded_profile = stamp.read_text().split()
    except (OSError, ValueError):
        return True  # no stamp, or one from before profiles existed
    return recorded_hash != fingerprint(pyproject) or recorded_profile not in SATISFIES[profile]


def record(profile: str, stamp: Path, pyproject: Path) -> None:
    """Note that `profile` is now installed for this pyproject.toml."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {PROFILES}")
    stamp.write_text(f"{fingerprint(pyproject)} {profile}\n")


def main(argv: list[str]) -> int:
    """Command line: see the module docstring. Exit 0 or 1 for "needed", 2 on misuse."""
    if len(argv) != 4 or argv[0] not in ("needed", "record") or argv[1] not in PROFILES:
        print(__doc__, file=sys.stderr)
        return 2
    action, profile, stamp, pyproject = argv[0], argv[1], Path(argv[2]), Path(argv[3])
    if action == "needed":
        return 0 if install_needed(profile, stamp, pyproject) else 1
    record(profile, stamp, pyproject)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
