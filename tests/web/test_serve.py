"""``veille serve`` from the command line: loopback by default, one line when it cannot listen."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("VEILLE_DB", None)
    return subprocess.Popen([sys.executable, "-m", "veille.cli", "--db", str(db), "serve", *args], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_answers_on_loopback(warehouse_file):
    port = _free_port()
    process = _serve(warehouse_file, "--port", str(port))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/stances", timeout=10)
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert response.status_code == 200 and "Stance 1" in response.text
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert f"http://127.0.0.1:{port}/" in process.stdout.read()


def test_a_taken_port_gets_one_line(warehouse_file):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        process = _serve(warehouse_file, "--port", str(port))
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr.strip().count("\n") == 0 and f"cannot listen on 127.0.0.1:{port}" in stderr


def test_a_missing_warehouse_gets_one_line(tmp_path):
    process = _serve(tmp_path / "none.duckdb", "--port", str(_free_port()))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1 and "run `veille init` first" in stderr and "Traceback" not in stderr
