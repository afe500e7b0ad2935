"""The example model API's README works as written, against a real quick start.

The commands are taken from examples/model_api/README.md, not copied here, and run
in a clean environment (nothing of the test run's settings), each terminal a shell.
Two things differ from a person's run, both for the test's sake: free ports instead
of 8000 and 8001 (other services may hold those), and `make quickstart` instead of
`make run` (the same steps without installing into the virtual environment, which
the test already runs in). The quick start keeps its files in a temporary directory.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "examples" / "model_api" / "README.md"

pytestmark = pytest.mark.slow


def readme_terminals() -> dict[int, str]:
    """The README's commands, by the terminal its comments name."""
    section = README.read_text(encoding="utf-8").split("## Against a local idverify", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README has no shell block under 'Against a local idverify'"
    terminals: dict[int, list[str]] = {}
    current = 0
    for line in block.group(1).splitlines():
        named = re.match(r"# terminal (\d+)", line)
        if named:
            current = int(named.group(1))
            terminals[current] = []
        elif line.strip() and not line.startswith("#"):
            terminals[current].append(line)
    return {number: "\n".join(lines) for number, lines in terminals.items()}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(url: str, process: subprocess.Popen[str], *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"exited with {process.returncode} before {url} answered:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {seconds} s")


def _start(script: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - the README's own commands
        ["bash", "-euo", "pipefail", "-c", script],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, to stop it and its children
    )


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.fixture
def ports() -> tuple[int, int]:
    return _free_port(), _free_port()


@pytest.fixture
def environment(tmp_path: Path, ports: tuple[int, int]) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "HOST": "127.0.0.1",
        "PORT": str(ports[0]),
        "IDV_VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }


def _as_in_the_test(command: str, ports: tuple[int, int]) -> str:
    service, model = ports
    command = command.replace("make run", "make --no-print-directory quickstart")
    return command.replace("127.0.0.1:8000", f"127.0.0.1:{service}").replace("8001", str(model))


@pytest.fixture
def services(environment: dict[str, str], ports: tuple[int, int]) -> Iterator[None]:
    terminals = readme_terminals()
    assert terminals[1].strip() == "make run"
    service = _start(_as_in_the_test(terminals[1], ports), environment)
    model_api = None
    try:
        _wait_for(f"http://127.0.0.1:{ports[0]}/healthz", service, seconds=240)
        model_api = _start(_as_in_the_test(terminals[2], ports), environment)
        _wait_for(f"http://127.0.0.1:{ports[1]}/healthz", model_api, seconds=60)
        yield
    finally:
        if model_api is not None:
            _stop(model_api)
        _stop(service)


def test_the_readmes_commands_get_a_completion_from_a_quick_start(
    services: None, environment: dict[str, str], ports: tuple[int, int]
) -> None:
    script = _as_in_the_test(readme_terminals()[3], ports)
    result = subprocess.run(  # noqa: S603 - the README's own commands
        ["bash", "-euo", "pipefail", "-c", script],  # noqa: S607
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["model"] == "fable-5", answer
    assert answer["choices"][0]["text"].startswith("(a fake completion")
    assert answer["entitlement"]["level"] >= 1
