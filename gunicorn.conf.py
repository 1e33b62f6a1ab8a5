"""gunicorn settings of the `web:` process (Procfile); bench/ runs the same file.

The worker model is a measured choice (README, "Benchmarks"): overridable per run with
WEB_WORKER_CLASS, WEB_CONCURRENCY (processes) and WEB_THREADS (threads per process).
"""

from __future__ import annotations

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
threads = int(os.environ.get("WEB_THREADS", "4"))
preload_app = True  # templates, Kiwi and the FAQ index load once, before the fork
timeout = 30
