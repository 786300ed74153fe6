"""The Dockerfile and docker-compose.yml keep their promises. Docker itself is not available
where these tests run, so the files are read and checked, and the wheel the image installs is
built from exactly the build context .dockerignore lets through."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

APPLICATION = ("bot", "cogs", "bank", "db")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), " ".join(rest.split())))
    return found


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions():
        if keyword == "FROM":
            result.append([])
        result[-1].append((keyword, rest))
    return result


def compose_service() -> dict[str, Any]:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    return dict(compose["services"]["bot"])


def test_the_base_image_is_pinned_to_a_patch_release() -> None:
    names: list[str] = []
    for stage in stages():
        image, _, name = stage[0][1].partition(" AS ")
        if image not in names:  # not an earlier stage: an image from a registry
            assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?", image), (
                f"{image} is a moving tag"
            )
        names.append(name.strip())


def test_the_dependencies_install_from_the_lock_in_their_own_layer() -> None:
    first = stages()[0]
    installs = [i for i, (k, rest) in enumerate(first) if k == "RUN" and "app.lock" in rest]
    assert len(installs) == 1
    assert "--require-hashes" in first[installs[0]][1] and "--no-deps" in first[installs[0]][1]
    copied_before = [rest for k, rest in first[: installs[0]] if k in ("COPY", "ADD")]
    # Only the lock is copied before the install: a code change cannot invalidate that layer.
    assert copied_before == ["requirements/app.lock /tmp/app.lock"]
    assert "dev.lock" not in (REPO / "Dockerfile").read_text(encoding="utf-8")


def test_only_the_application_is_copied_in() -> None:
    for stage in stages():
        for keyword, rest in stage:
            if keyword in ("COPY", "ADD") and not rest.startswith("--from="):
                *sources, _target = rest.split()
                for source in sources:
                    top = source.split("/")[0]
                    assert top in {*APPLICATION, "pyproject.toml", "README.md", "requirements"}
                    assert source != "." and "offline" not in source and "sandbox" not in source


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    final = stages()[-1]
    users = [rest for keyword, rest in final if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    last_user = max(i for i, (keyword, _) in enumerate(final) if keyword == "USER")
    assert all(keyword != "RUN" for keyword, _ in final[last_user:])


def test_the_image_checks_health_truthfully_and_runs_the_bot() -> None:
    final = dict(stages()[-1])
    assert final["HEALTHCHECK"].endswith('CMD ["quizbot", "health"]')
    assert final["CMD"] == '["quizbot", "run"]'
    assert compose_service()["healthcheck"]["test"] == ["CMD", "quizbot", "health"]


def test_compose_root_filesystem_is_read_only_but_the_data_is_not() -> None:
    service = compose_service()
    assert service["read_only"] is True
    assert "/tmp" in service["tmpfs"]
    mounts = dict(volume.split(":", 1) for volume in service["volumes"])
    assert mounts["quizbot-data"] == "/data"  # no :ro
    assert service["environment"]["QUIZBOT_DATABASE"].startswith("/data/")


def test_compose_backs_up_to_another_volume_than_the_database() -> None:
    mounts = dict(volume.split(":", 1) for volume in compose_service()["volumes"])
    assert mounts["quizbot-backups"] == "/backups"
    assert "/backups" in (REPO / "README.md").read_text(encoding="utf-8")


def test_compose_rotates_logs() -> None:
    logging = compose_service()["logging"]
    assert logging["driver"] == "json-file"
    assert re.fullmatch(r"\d+[km]", logging["options"]["max-size"])
    assert int(logging["options"]["max-file"]) >= 2


def build_context(destination: Path) -> list[str]:
    """Copy what .dockerignore lets into a build, by its own rules (last match wins)."""
    rules = []
    for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append((line.startswith("!"), line.lstrip("!").rstrip("/")))
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    sent = []
    for name in tracked:
        included = True
        for negated, pattern in rules:
            parts = name.split("/")
            prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
            if any(fnmatch.fnmatch(p, pattern) for p in prefixes) or fnmatch.fnmatch(
                name, pattern.replace("**/", "*")
            ):
                included = negated
        if included and (REPO / name).is_file():
            sent.append(name)
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, destination / name)
    return sent


def test_the_build_context_and_the_wheel_hold_the_application_only(tmp_path: Path) -> None:
    context = tmp_path / "context"
    sent = build_context(context)
    assert {name.split("/")[0] for name in sent} <= {*APPLICATION, "pyproject.toml", "README.md",
                                                     "requirements"}  # fmt: skip
    assert "requirements/app.lock" in sent and "requirements/dev.lock" not in sent
    # The Dockerfile's build step, on that context: no network, no build isolation.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "wheels"), str(context)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "wheels").glob("quizbot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if not name.startswith("quizbot-")}
    assert packages == set(APPLICATION)
    assert any(re.fullmatch(r"db/migrations/0001_\w+\.sql", name) for name in names)
    assert any(re.fullmatch(r"bank/data/\w[\w-]*\.yaml", name) for name in names)
