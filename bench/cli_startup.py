"""How long staff wait for a CLI command: each command timed as a whole process, several runs.

    .venv/bin/python -m bench.cli_startup [--runs 5] [--redis-url redis://127.0.0.1:6379/9]

With --redis-url (or REDIS_URL) the commands use that server under the prefix `dgbench`;
without, each process starts its own embedded Redis in a temporary folder, as a CLI run
alone does. One warm-up run per command is not counted (it writes the .pyc files a
normal install keeps). Prints min / median / max wall seconds per command.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).with_name("flask"))

# (label, arguments after `flask --app bot`): the target (#11) is < 1.5 s for the first two.
COMMANDS = (
    ("--help", ["--help"]),
    ("applications list", ["applications", "list"]),
    ("broadcast list", ["broadcast", "list"]),
    ("templates check", ["templates", "check"]),
    ("faq check (builds the index)", ["faq", "check"]),
)


def run_once(args: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one whole `flask --app bot …` process."""
    start = time.perf_counter()
    done = subprocess.run([FLASK, "--app", "bot", *args], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: a check that found problems still ran
        raise SystemExit(f"flask {' '.join(args)} failed ({done.returncode}): "
                         f"{done.stderr.decode(errors='replace')[-400:]}")
    return elapsed


def main() -> None:
    """Time every command and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"REDIS_PREFIX": "dgbench", "LOG_LEVEL": "WARNING"})
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
        where = f"Redis at {args.redis_url}"
    else:
        env.pop("REDIS_URL", None)
        env["EMBEDDED_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-cli-")
        where = "embedded Redis (started by each process)"

    print(f"flask --app bot …, {args.runs} runs each after one warm-up; {where}")
    print(f"{'command':32} {'min':>7} {'median':>7} {'max':>7}")
    for label, command in COMMANDS:
        run_once(command, env)  # warm-up: .pyc files, the embedded data folder
        times = [run_once(command, env) for _ in range(args.runs)]
        print(f"{label:32} {min(times):7.2f} {statistics.median(times):7.2f} "
              f"{max(times):7.2f}")


if __name__ == "__main__":
    main()
