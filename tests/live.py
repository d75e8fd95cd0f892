"""A real multi-process server (gunicorn) for fault and concurrency tests, and a small HTTP
client that signs in and posts forms with their CSRF tokens, as a browser without JavaScript."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .pg import free_port

BIN = Path(sys.executable).parent


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False)
        return [int(pid) for pid in out.stdout.split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(database_url: str, tmp_path: Path, workers: int = 3, extra_env: dict[str, str] | None = None) -> LiveServer:
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-test-secret",
        "QUIZAPP_INSTANCE_PATH": str(tmp_path / "instance"),
        "QUIZAPP_SIGNIN_RATE_LIMIT": "100000 per minute",
        **(extra_env or {}),
    }
    with log.open("wb") as log_file:  # the server keeps its own copy of the descriptor
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "30",
             "--graceful-timeout", "5", "quizapp:create_app()"],
            env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return LiveServer(process, url, log)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_COOKIELESS = urllib.request.build_opener(_NoRedirect())


@dataclass
class Reply:
    status: int
    body: str
    location: str
    server_ms: float = 0.0


def _server_ms(header: str) -> float:
    match = re.search(r"dur=([0-9.]+)", header)
    return float(match.group(1)) if match else 0.0


class Client:
    """One person's cookies; forms are posted with the CSRF token from the last page read."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.token = ""
        self.save_token = ""  # from the last question page read

    def request(self, method: str, path: str, data: dict | list | None = None, timeout: float = 30,
                headers: dict[str, str] | None = None, cookies: bool = True) -> Reply:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        opener = self.opener if cookies else _COOKIELESS
        try:
            with opener.open(request, timeout=timeout) as response:
                reply = Reply(response.status, response.read().decode(), response.headers.get("Location", ""),
                              _server_ms(response.headers.get("Server-Timing", "")))
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.read().decode(), error.headers.get("Location", ""))
        except http.client.HTTPException as error:  # e.g. the response cut short by a killed worker
            raise ConnectionError(f"{method} {path}: {error!r}") from error
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', reply.body)
        if match:
            self.token = match.group(1)
        match = re.search(r'data-save-token="([^"]+)"', reply.body)
        if match:
            self.save_token = match.group(1)
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data: dict | list | None = None) -> Reply:
        if isinstance(data, list):
            return self.request("POST", path, [*data, ("csrf_token", self.token)])
        return self.request("POST", path, {**(data or {}), "csrf_token": self.token})

    def autosave(self, path: str, data: dict) -> Reply:
        """What the question page's script does: the form without cookies, with the save token."""
        return self.request("POST", path, data, headers={"X-Save-Token": self.save_token}, cookies=False)

    def sign_in(self, email: str, password: str) -> None:
        self.get("/sign-in")
        reply = self.post("/sign-in", {"email": email, "password": password})
        assert reply.status == 302, reply.body[:300]
