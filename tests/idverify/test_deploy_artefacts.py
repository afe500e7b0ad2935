"""The Procfile, Dockerfile, compose.yaml and README's configuration table agree.

The image and the compose file cannot be built on the development machines,
so this is what keeps them from drifting: the same commands as the Procfile,
and only variables the settings (or the Procfile's commands) read and the
README documents.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.support.nodes import procfile

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("release", "web", "worker", "beat")
# Read by the Procfile's commands (gunicorn's options, beat's schedule file), not the settings.
PROCESS_VARIABLES = {"PORT", "WEB_CONCURRENCY", "WEB_THREADS"}
# The interpreter's own, not the service's configuration.
PLATFORM_VARIABLES = {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def dockerfile() -> str:
    # Continuation lines joined, so each instruction is one line.
    return (ROOT / "Dockerfile").read_text().replace("\\\n", " ")


def instruction(name: str, *, runtime_only: bool = False) -> list[str]:
    text = dockerfile()
    if runtime_only:  # the last stage: what the image runs with
        text = "FROM " + text.rsplit("\nFROM ", 1)[1]
    return [
        line.split(None, 1)[1].strip()
        for line in text.splitlines()
        if line.split(None, 1)[:1] == [name]
    ]


def shell_command(service: dict[str, Any]) -> str:
    """The command a compose service runs, as the shell sees it ($$ is compose's escape)."""
    command = service["command"]
    assert command[:2] == ["/bin/sh", "-c"], f"run through a shell so ${{...}} expands: {command}"
    return " ".join(command[2].replace("$$", "$").split())


def read_by_settings() -> set[str]:
    sources = "\n".join(p.read_text() for p in (ROOT / "idverify" / "settings").glob("*.py"))
    return set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', sources))


def readme_table() -> str:
    return (ROOT / "README.md").read_text().split("## Configuration", 1)[1]


def test_the_procfile_names_the_four_processes_and_the_web_uses_the_gunicorn_hooks() -> None:
    processes = procfile()
    assert set(processes) == set(APP_SERVICES)
    assert "-c idverify/gunicorn_config.py" in processes["web"]
    assert "${PORT" in processes["web"]
    assert "${WEB_CONCURRENCY" in processes["web"]
    assert processes["release"] == "scripts/release.sh"
    release = (ROOT / "scripts" / "release.sh").read_text()
    assert "migrate" in release
    assert "rotate_signing_keys --if-due" in release


def test_compose_runs_the_procfiles_commands() -> None:
    services = compose()["services"]
    for name in APP_SERVICES:
        assert shell_command(services[name]) == " ".join(procfile()[name].split()), name


def test_compose_has_the_whole_topology_and_starts_after_the_release_step() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", *APP_SERVICES} <= set(services)
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["release"] == {"condition": "service_completed_successfully"}, name
    assert services["release"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_the_image_runs_the_procfiles_web_command_as_a_non_root_user_with_a_health_check() -> None:
    stages = instruction("FROM")
    assert len(stages) >= 2, "a multi-stage build: compilers stay out of the runtime image"
    [command] = instruction("CMD")
    assert " ".join(command.split()) == " ".join(procfile()["web"].split())
    users = instruction("USER")
    assert users, "the image must not run as root"
    assert users[-1] not in {"root", "0"}, users
    [health] = instruction("HEALTHCHECK")
    assert "/healthz" in health


def _environment(service: dict[str, Any]) -> set[str]:
    environment = service.get("environment", {})
    assert isinstance(environment, dict), "environment as a mapping, so it can be checked"
    return set(environment)


def test_every_variable_the_artefacts_set_is_read_and_documented() -> None:
    services = compose()["services"]
    set_by_compose = set().union(*(_environment(services[name]) for name in APP_SERVICES))
    set_by_image = {
        match
        for line in instruction("ENV", runtime_only=True)
        for match in re.findall(r"([A-Z][A-Z0-9_]*)=", line)
    }
    readable = read_by_settings() | PROCESS_VARIABLES
    table = readme_table()
    for name in sorted((set_by_compose | set_by_image) - PLATFORM_VARIABLES):
        assert name in readable, f"{name} is set by the deploy files but nothing reads it"
        assert f"`{name}`" in table, f"{name} is not in README's configuration table"
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"} <= set_by_compose


def test_every_required_secret_is_demanded_by_compose_not_defaulted() -> None:
    environment = compose()["x-idverify"]["environment"]
    for name in ("SECRET_KEY", "IDV_KEY_ENCRYPTION_KEY", "IDV_AUDIT_SEAL_KEY"):
        assert re.fullmatch(r"\$\{" + name + r":\?[^}]+\}", environment[name]), name


def test_make_up_refuses_to_start_without_its_dependencies() -> None:
    import os
    import subprocess

    env = {"PATH": os.environ["PATH"], "HOME": str(ROOT)}
    done = subprocess.run(  # noqa: S603 - the project's own script
        [str(ROOT / "scripts" / "up.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        assert name in done.stderr
    assert "make up" in (ROOT / "README.md").read_text()
