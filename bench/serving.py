"""Start and stop a dashboard server on loopback: for screenshots, browser tests and benchmarks (not the product)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
CHROMIUM = "/usr/bin/chromium"  # Debian's; browser downloads are not used
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'  # the page's run has finished


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} was not healthy after {timeout:.0f} s")


def start(
    script: Path = APP,
    port: int | None = None,
    env: dict[str, str] | None = None,
    output=subprocess.DEVNULL,
    root: Path = ROOT,
) -> tuple[subprocess.Popen, str]:
    """Start the dashboard as `scripts/run` does (another script: `streamlit run`); the process and its URL.
    `root` is the checkout it runs in (another commit's worktree, bench/basemap.py): its packages are the ones
    imported, as the working folder comes first on the path."""
    port = port or free_port()
    command = [sys.executable, "-m", "kizuna_app.serve", "--server.port", str(port)]
    if script != root / "app.py":
        command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, cwd=root, env={**os.environ, **(env or {})}, stdout=output, stderr=output)
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def dashboard(
    script: Path = APP, port: int | None = None, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[str]:
    """Yield the base URL of a started and healthy dashboard (see `start`), its output going to `log`."""
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process, url = start(script, port, env, output)
    try:
        wait_healthy(url, process)
        yield url
    finally:
        stop(process)
        if log:
            output.close()
