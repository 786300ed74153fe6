"""The lock files: every package pinned with hashes, within pyproject's ranges, one runtime set
for the app and the dev installs, and the environment running these tests is exactly the lock."""

from __future__ import annotations

import os
import re
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

LOCKS = REPO / "requirements"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def entries(name: str) -> dict[str, tuple[str, list[str]]]:
    """Package -> (pinned version, hashes) of one lock file; each entry is a
    ``name==version \\`` line followed by its ``--hash=`` lines."""
    text = (LOCKS / name).read_text(encoding="utf-8")
    found: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=\S)", text):
        first = block.split("\n", 1)[0]
        if first.startswith("#") or not first.strip():
            continue
        match = re.match(r"^([A-Za-z0-9._-]+)==(\S+) \\$", first)
        assert match, f"{name}: not an exact pin with hashes: {first!r}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        found[canonicalize_name(match.group(1))] = (match.group(2), hashes)
    return found


APP, DEV = entries("app.lock"), entries("dev.lock")


def requirements(*extras: str) -> list[Requirement]:
    listed = list(PYPROJECT["project"]["dependencies"])
    for extra in extras:
        listed += PYPROJECT["project"]["optional-dependencies"][extra]
    return [Requirement(text) for text in listed]


@pytest.mark.parametrize("lock", [APP, DEV], ids=["app.lock", "dev.lock"])
def test_every_entry_is_pinned_with_hashes(lock: dict[str, tuple[str, list[str]]]) -> None:
    assert lock
    for name, (_version, hashes) in lock.items():
        assert hashes, f"{name} has no hash, so pip would not check what it downloads"


def test_the_runtime_pins_are_the_same_in_both_locks() -> None:
    assert set(APP) <= set(DEV), set(APP) - set(DEV)
    for name, (version, hashes) in APP.items():
        assert DEV[name] == (version, hashes), name


@pytest.mark.parametrize(
    ("lock", "extras"),
    [(APP, ()), (DEV, ("dev", "sandbox"))],
    ids=["app.lock", "dev.lock"],
)
def test_the_pins_honour_pyproject_ranges(
    lock: dict[str, tuple[str, list[str]]], extras: tuple[str, ...]
) -> None:
    wanted = requirements(*extras)
    # setuptools builds quizbot itself without build isolation, so it is pinned too.
    wanted += [Requirement(text) for text in PYPROJECT["build-system"]["requires"]]
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement} is missing: run `python3 tasks.py lock`"
        version = lock[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name}=={version} is outside {requirement}: run `python3 tasks.py lock`"
        )


def test_the_app_lock_has_no_development_tool() -> None:
    for tool in requirements("dev", "sandbox")[len(requirements()) :]:
        assert canonicalize_name(tool.name) not in APP, tool.name


@pytest.mark.skipif(
    bool(os.environ.get("QUIZBOT_LATEST")),
    reason="`tasks.py test --latest` runs on the newest versions, not the lock, on purpose",
)
def test_this_environment_is_exactly_the_dev_lock() -> None:
    installed = {
        canonicalize_name(d.metadata["Name"]): d.version
        for d in metadata.distributions()
        if canonicalize_name(d.metadata["Name"]) not in {"pip", "quizbot"}
    }
    locked = {name: version for name, (version, _) in DEV.items()}
    assert installed == locked, "run `python3 tasks.py test` to make .venv match the lock"


def test_the_readme_set_up_is_still_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick_start, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert [c for c in commands if c] == ["python3 tasks.py run", "python3 tasks.py test"]


def test_tasks_reads_the_same_pins() -> None:
    """tasks.py (standard library only) parses the locks itself to count and sync packages."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks", REPO / "tasks.py")
    assert spec is not None and spec.loader is not None
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    assert tasks.pinned(LOCKS / "dev.lock") == {name: v for name, (v, _) in DEV.items()}
    assert tasks.package_of("/wheels/discord_py-2.7.1-py3-none-any.whl") == "discord-py==2.7.1"
    assert tasks.package_of("PyYAML-6.0.4.tar.gz") == "pyyaml==6.0.4"
