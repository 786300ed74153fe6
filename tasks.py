#!/usr/bin/env python3
"""The two commands a newcomer needs: ``python3 tasks.py run`` and ``python3 tasks.py test``.

Only the standard library is used here because this script is what installs everything else.
On first use (and whenever a lock file changes) it creates ``.venv`` and installs exactly the
versions pinned, with their hashes, in ``requirements/*.lock``: ``run`` needs only the
application's lock, the development commands the dev lock (the same runtime pins plus the test
and lint tools). ``python3 tasks.py lock`` rewrites the locks from the ranges in pyproject.toml,
and ``python3 tasks.py test --latest`` tries the newest versions those ranges allow instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REQUIREMENTS = ROOT / "requirements"
VENV = ROOT / ".venv"
LATEST_VENV = ROOT / ".venv-latest"
STAMP_NAME = ".quizbot-installed"
# The installs a command needs: "app" is what running the bot needs, "dev" adds the tools.
LOCKS = {"app": REQUIREMENTS / "app.lock", "dev": REQUIREMENTS / "dev.lock"}
TOOLS_LOCK = REQUIREMENTS / "tools.lock"  # pip-tools itself, pinned, for `tasks.py lock`
# What pip itself brings into a new venv; never removed when the venv is made to match a lock.
KEPT = {"pip", "quizbot"}

COMMANDS = {
    "run": "start the bot (needs DISCORD_TOKEN; without it, says how to try the sandbox)",
    "sandbox": "try the whole bot in this terminal, no Discord account needed",
    "test": "run the whole test suite (--latest: on the newest versions pyproject allows)",
    "lint": "ruff check, ruff format --check and mypy",
    "bench": "run every benchmark and print the table",
    "lock": "rewrite requirements/*.lock from pyproject.toml (--upgrade: newest pins)",
}
# pip's lines that say nothing a person waiting needs (each package already gets one line).
QUIET_PIP_LINE = re.compile(
    r"\s*(Looking in|Downloading|Using cached|Requirement already|Attempting uninstall|"
    r"Found existing|Uninstalling|Successfully)"
)
NEEDS = {"run": "app", "sandbox": "dev", "test": "dev", "lint": "dev", "bench": "dev"}


def bin_dir(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin")


def say(text: str) -> None:
    print(f"tasks.py: {text}", flush=True)


# -- installing the lock ---------------------------------------------------------------------


def wanted_stamp(kind: str) -> dict[str, str]:
    """What an install of ``kind`` depends on: the lock, pyproject.toml (entry points, package
    list) and the Python version. Any change means a reinstall."""
    digest = hashlib.sha256()
    for path in (LOCKS[kind], ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return {"lock": kind, "digest": digest.hexdigest(), "python": sys.version.split()[0]}


def installed_stamp() -> dict[str, str] | None:
    try:
        return dict(json.loads((VENV / STAMP_NAME).read_text()))
    except (OSError, ValueError):
        return None


def pinned(lock: Path) -> dict[str, str]:
    """Normalised name -> version of every ``name==version`` line of a lock file."""
    pins = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins[normalise(match.group(1))] = match.group(2)
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def ensure_venv(kind: str) -> None:
    """Make .venv hold exactly the ``kind`` lock (the dev lock also serves ``run``)."""
    stamp = installed_stamp()
    serves = {kind, "dev"} if kind == "app" else {kind}
    if stamp is not None and stamp.get("lock") in serves and stamp == wanted_stamp(stamp["lock"]):
        return
    python = bin_dir(VENV) / "python"
    if not python.exists():
        say(f"creating .venv with Python {sys.version.split()[0]} (first run only)")
        venv.EnvBuilder(with_pip=True).create(VENV)
    (VENV / STAMP_NAME).unlink(missing_ok=True)  # an interrupted install is not an install
    install_lock(python, LOCKS[kind])
    remove_unlocked(python, LOCKS[kind])
    started = time.monotonic()
    say("installing quizbot itself into .venv (editable: your edits apply at once)")
    pip(python, "install", "--no-deps", "--no-build-isolation", "-q", "-e", str(ROOT))
    say(f"  done in {time.monotonic() - started:.0f} s")
    (VENV / STAMP_NAME).write_text(json.dumps(wanted_stamp(kind)))


def pip(python: Path, *args: str) -> None:
    command = [str(python), "-m", "pip", "--disable-pip-version-check", *args]
    subprocess.run(command, check=True, cwd=ROOT)


def install_lock(python: Path, lock: Path) -> None:
    """``pip install --require-hashes`` of a lock, one short line per package as pip goes."""
    pins = pinned(lock)
    say(
        f"installing {len(pins)} pinned packages from {lock.relative_to(ROOT)} into .venv "
        "(the first time this downloads them: one to three minutes, less from pip's cache)"
    )
    started = time.monotonic()
    command = [
        str(python),
        *("-m", "pip", "--disable-pip-version-check", "install"),
        *("--require-hashes", "--no-deps", "--progress-bar", "off", "-r", str(lock)),
    ]
    # pip's own lines, shortened: one per package collected, then the install step (the long
    # one, unpacking numpy and matplotlib). Errors go to stderr, which is left alone.
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        count = 0
        for line in process.stdout:
            collected = re.match(r"(?:Collecting|Processing) (\S+)", line)
            if collected:
                count += 1
                print(f"  [{count:>2}/{len(pins)}] {package_of(collected.group(1))}", flush=True)
            elif line.startswith("Installing collected packages"):
                print(f"  installing {count} package(s) (unpacking the big ones takes a while)")
            elif line.strip() and not QUIET_PIP_LINE.match(line):
                print(f"  {line.rstrip()}", flush=True)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    say(f"  done in {time.monotonic() - started:.0f} s")


def package_of(requirement: str) -> str:
    """``name==version`` from what pip names: a pin, or a wheel or sdist file it found."""
    filename = requirement.rsplit("/", 1)[-1]
    if filename.endswith(".whl"):
        name, version = filename.split("-")[:2]
    elif filename.endswith((".tar.gz", ".zip")):
        name, _, version = filename.removesuffix(".tar.gz").removesuffix(".zip").rpartition("-")
    else:
        return requirement
    return f"{normalise(name)}=={version}"


def remove_unlocked(python: Path, lock: Path) -> None:
    """Uninstall what the lock does not list (left by an older lock), so .venv is the lock."""
    listing = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m, json; "
         "print(json.dumps([d.metadata['Name'] for d in m.distributions()]))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    extra = sorted(
        name for name in json.loads(listing.stdout) if normalise(name) not in {*pinned(lock), *KEPT}
    )
    if extra:
        say(f"removing {len(extra)} packages the lock no longer lists: {', '.join(extra)}")
        pip(python, "uninstall", "-y", "-q", *extra)


# -- refreshing the lock and trying the newest versions --------------------------------------


def lock(args: list[str]) -> int:
    """Compile both locks with pip-tools (itself pinned in tools.lock) in a throwaway venv.

    The dev lock is compiled first and the app lock constrained by it, so the runtime pins are
    the same in both. Existing pins are kept where pyproject still allows them; ``--upgrade``
    (or ``--upgrade-package NAME``) moves them.
    """
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="quizbot-lock-") as tmp:
        tools = Path(tmp) / "venv"
        say("installing pip-tools (pinned in requirements/tools.lock) into a throwaway venv")
        venv.EnvBuilder(with_pip=True).create(tools)
        python = bin_dir(tools) / "python"
        pip(python, "install", "-q", "--require-hashes", "--no-deps", "-r", str(TOOLS_LOCK))
        common = [
            *(str(python), "-m", "piptools", "compile", "--quiet"),
            *("--generate-hashes", "--allow-unsafe", "--strip-extras", "--all-build-deps"),
            *("--no-emit-index-url", "--no-emit-find-links"),
            *args,
        ]
        env = {**os.environ, "CUSTOM_COMPILE_COMMAND": "python3 tasks.py lock"}
        steps = [
            (LOCKS["dev"], ["--extra", "dev", "--extra", "sandbox"]),
            (LOCKS["app"], ["--constraint", str(LOCKS["dev"].relative_to(ROOT))]),
        ]
        for target, extra in steps:
            say(f"compiling {target.relative_to(ROOT)} (a minute: pip-tools builds metadata)")
            output = ["--output-file", str(target.relative_to(ROOT)), "pyproject.toml"]
            subprocess.run([*common, *extra, *output], check=True, cwd=ROOT, env=env)
    say(
        f"locks written in {time.monotonic() - started:.0f} s; commit requirements/ with the change"
    )
    return 0


def test_latest(args: list[str]) -> int:
    """The suite on the newest versions pyproject.toml allows, in .venv-latest (never .venv),
    so a release that breaks us shows here before the lock moves to it."""
    python = bin_dir(LATEST_VENV) / "python"
    if not python.exists():
        say("creating .venv-latest (the newest allowed versions; .venv keeps the lock)")
        venv.EnvBuilder(with_pip=True).create(LATEST_VENV)
    say("installing the newest versions pyproject.toml allows into .venv-latest")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pip(
        python,
        *("install", "-q", "--upgrade", "--upgrade-strategy", "eager"),
        *pyproject["build-system"]["requires"],  # setuptools, which the lock pins too
        *("-e", f"{ROOT}[dev,sandbox]"),
    )
    listing = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", "list", "--format=json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    locked = pinned(LOCKS["dev"])
    drift = [
        f"{p['name']} {locked[normalise(p['name'])]} -> {p['version']}"
        for p in json.loads(listing.stdout)
        if normalise(p["name"]) in locked and locked[normalise(p["name"])] != p["version"]
    ]
    say("differs from the lock: " + (", ".join(drift) if drift else "nothing (the lock is newest)"))
    env = {**os.environ, "QUIZBOT_LATEST": "1"}  # tests that check .venv against the lock skip
    return subprocess.call([str(python), "-m", "pytest", *args], cwd=ROOT, env=env)


# -- the commands ----------------------------------------------------------------------------


def run(argv: list[str]) -> int:
    def exe(name: str) -> str:
        return str(bin_dir(VENV) / name)

    command, rest = argv[0], argv[1:]
    if command == "run":
        return subprocess.call([exe("quizbot"), "run", *rest], cwd=ROOT)
    if command == "sandbox":
        return subprocess.call([exe("quizbot"), "sandbox", *rest], cwd=ROOT)
    if command == "test":
        return subprocess.call([exe("python"), "-m", "pytest", *rest], cwd=ROOT)
    if command == "lint":
        steps = [
            [exe("ruff"), "check", "."],
            [exe("ruff"), "format", "--check", "."],
            [exe("mypy")],
        ]
        return max(subprocess.call(step, cwd=ROOT) for step in steps)
    if command == "bench":
        return subprocess.call([exe("python"), "bench/run.py", *rest], cwd=ROOT)
    raise AssertionError(command)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: python3 tasks.py COMMAND [ARGS...]\n")
        for name, text in COMMANDS.items():
            print(f"  {name:8} {text}")
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    try:
        if command == "lock":
            return lock(rest)
        if command == "test" and "--latest" in rest:
            return test_latest([arg for arg in rest if arg != "--latest"])
        ensure_venv(NEEDS[command])
    except subprocess.CalledProcessError as exc:
        say(f"failed: {' '.join(map(str, exc.cmd))} exited with status {exc.returncode}")
        return 1
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
