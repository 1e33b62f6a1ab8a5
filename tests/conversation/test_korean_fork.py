"""The Korean analyser survives gunicorn's fork: a worker uses it and exits cleanly.

`flask serve` loads the app (and the FAQ index, tokenized by Kiwi) before gunicorn
forks its workers. A Kiwi thread pool made in the parent does not exist in the
children, and a worker then hung or aborted (SIGABRT) when it exited.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: the test process has threads of its own, and the child
# must exit through normal finalisation (multiprocessing's children skip it).
FORKED_WORKER = """
import os, sys, time
from bot.conversation import korean
korean.tokens("자주 묻는 질문")  # used in the parent, like the FAQ index before the fork
pid = os.fork()
if pid == 0:
    assert korean.tokens("지원금 언제 들어와요") == ["지원금", "언제", "들어오"]
    sys.exit(0)
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        sys.exit(0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 3)
    time.sleep(0.05)
os.kill(pid, 9)
sys.exit(4)  # the worker hung on exit
"""


@pytest.mark.skipif(sys.platform == "win32", reason="os.fork")
def test_a_forked_worker_tokenizes_and_exits_cleanly():
    done = subprocess.run([sys.executable, "-c", FORKED_WORKER], cwd=ROOT, timeout=90,
                          capture_output=True, text=True)
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
