"""A throwaway Redis server (Debian's redis-server) for the tests, as tests/pg.py starts PostgreSQL:
on a free loopback port, with its files in a temporary directory, nothing saved to disk, stopped
at the end. `make test` installs redis-server when it is missing."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from .pg import free_port


class ThrowawayRedis:
    def __init__(self, base: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("Redis is not installed: apt-get install -y redis-server (make test does it)")
        self.binary = binary
        self.base = base
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        log = (self.base / "redis.log").open("wb")
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.base),
             "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        client = redis.Redis.from_url(self.url)
        for _ in range(200):  # a bounded wait for it to answer
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start: {(self.base / 'redis.log').read_text()[-2000:]}")

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
