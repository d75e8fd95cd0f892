"""A real OpenID provider for the tests: the npm package oidc-provider run with node
(tests/oidc_provider.mjs), as tests/pg.py starts PostgreSQL: on a free loopback port, stopped at
the end. `make install` (npm ci) fetched it; nothing is downloaded at test time.

`sign_in_at_provider` walks its sign-in page over HTTP (as a browser would, with its cookies) and
returns where the provider sends the person back to."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urljoin

import requests

from .pg import free_port

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "oidc_provider.mjs"
CLIENT_ID = "quizapp-tests"
CLIENT_SECRET = "a-client-secret-only-the-tests-know"


class OidcProvider:
    def __init__(self, redirect_uris: list[str]) -> None:
        node = shutil.which("node")
        if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError("The single sign-on tests need node and the npm package oidc-provider: run make install")
        self.node = node
        self.port = free_port()
        self.redirect_uris = redirect_uris
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        settings = {"port": self.port, "clients": [
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": self.redirect_uris}]}
        self.process = subprocess.Popen([self.node, str(SCRIPT), json.dumps(settings)], cwd=ROOT, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert self.process.stdout is not None
        for line in self.process.stdout:  # ends when node exits: a bounded wait
            self.output.append(line)
            if line.startswith("listening "):
                break
        else:
            raise RuntimeError("oidc-provider did not start:\n" + "".join(self.output))
        # Keep reading its output so that node never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def add_account(self, login: str, email: str, *, sub: str | None = None, verified: bool = True,
                    name: str = "") -> None:
        account = {"sub": sub or login, "email": email, "email_verified": verified, "name": name or login.title()}
        requests.post(f"{self.issuer}/_test/accounts", json={login: account}, timeout=10).raise_for_status()

    def tamper_next_id_token(self) -> None:
        requests.post(f"{self.issuer}/_test/tamper", json={"id_token": True}, timeout=10).raise_for_status()

    def sign_in_at_provider(self, authorization_url: str, login: str) -> str:
        """Follow the provider's pages from the authorization URL, signing in as `login`; returns the
        URL the provider redirects back to (our callback, with its code and state)."""
        browser = requests.Session()
        url = authorization_url
        for _ in range(10):
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["Location"])
                if not url.startswith(self.issuer):
                    return url
                continue
            action = re.search(r'action="([^"]+)"', response.text)
            assert response.status_code == 200 and action, response.text[:500]
            response = browser.post(urljoin(url, action.group(1)), data={"login": login}, allow_redirects=False,
                                    timeout=10)
            assert response.status_code in (302, 303), response.text[:500]
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(self.issuer):
                return url
        raise AssertionError(f"the provider never sent the person back: {url}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
