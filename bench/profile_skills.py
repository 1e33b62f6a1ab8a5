"""Where a skill request's time goes: each bench case in-process, timed and profiled.

Builds the app as gunicorn does (`create_app(warm=True)`, production settings) against its own
redis-server on a free loopback port, sends each case of bench/skill_latency.py through the
WSGI stack (Flask's test client: no sockets, no gunicorn) and prints the CPU time per request
and the functions that take it (cProfile, by own time and by cumulative time). For the server
as it runs, attach py-spy to a gunicorn worker instead (README, "Benchmarks").

    python bench/profile_skills.py [--requests 2000] [--case faq] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.skill_latency import BIZNO, CASES, PREFIX, System, body, users  # noqa: E402


class _Inline:
    """An executor running each call at once on the caller's thread."""

    def submit(self, fn, *args):  # noqa: ANN001, ANN202 - Executor.submit's shape
        from concurrent.futures import Future

        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, **_: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--case", action="append", choices=[c.name for c in CASES])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--order", nargs="+", default=["tottime", "cumulative"])
    parser.add_argument("--handoff", action="store_true",
                        help="keep the budget guard's thread hand-off (timings only)")
    parser.add_argument("--no-profile", action="store_true", help="timings only")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="danggol-profile-"))
    system = None
    try:
        system = System(workdir, {"ENV": "production", "LOG_LEVEL": "INFO", "FLOOD_RATE": "0",
                                  "WALLET_BACKEND": "sandbox", "CALLBACK_MODE": "inline"})
        os.environ.update({k: v for k, v in system.env.items() if k in (
            "REDIS_URL", "REDIS_PREFIX", "ENV", "LOG_LEVEL", "FLOOD_RATE", "WALLET_BACKEND",
            "CALLBACK_MODE")})
        import logging

        from bot.app import create_app

        app = create_app(warm=True)
        logging.getLogger().handlers[0].stream = open(os.devnull, "w")  # noqa: SIM115
        client = app.test_client()
        # cProfile sees one thread: the turn runs on the request thread here (the budget
        # guard's hand-off itself is timed by the server benchmark, not profiled).
        if not args.handoff:
            app.extensions["bot"].pipeline._pool = _Inline()

        def send(path: str, utterance: str, user: str) -> bytes:
            return client.post(path, data=body(utterance, user),
                               content_type="application/json").data

        for case in CASES:
            if args.case and case.name not in args.case:
                continue
            people = users(case.name, 4)
            if case.name == "form":
                for user in people:
                    send("/skill/apply", "지원금 신청", user)
                    send("/skill/fallback", "시작하기", user)
            if case.name == "wallet":
                from bot.core.keys import Keys
                from bot.merchants.merchants import MerchantStore
                from bot.wallet.sandbox import SandboxWallet

                r = system.redis()
                SandboxWallet(r, Keys(PREFIX), time.time).credit_free(BIZNO, 300_000)
                SandboxWallet(r, Keys(PREFIX), time.time).activate(BIZNO)
                for user in people:
                    MerchantStore(r, Keys(PREFIX)).link(user, BIZNO, "bench")
            datas = [(body(u, user)) for user in people for u in case.utterances]
            sample = client.post(case.path, data=datas[0], content_type="application/json")
            print(f"\n== {case.label}: {sample.get_data(as_text=True)[:160]}")
            for d in datas * 20:  # warm-up
                client.post(case.path, data=d, content_type="application/json")
            profiler = cProfile.Profile()
            started = time.process_time()
            if not (args.no_profile or args.handoff):
                profiler.enable()
            for i in range(args.requests):
                client.post(case.path, data=datas[i % len(datas)],
                            content_type="application/json")
            profiler.disable()
            cpu = (time.process_time() - started) / args.requests * 1000
            how = "" if args.no_profile or args.handoff else ", profiled"
            print(f"   {cpu:.3f} ms CPU per request (in-process{how})")
            if args.no_profile or args.handoff:
                continue
            stats = pstats.Stats(profiler)
            sends = sum(v[1] for k, v in stats.stats.items()  # type: ignore[attr-defined]
                        if k[2] == "<method 'sendall' of '_socket.socket' objects>")
            print(f"   {sends / args.requests:.1f} Redis round trips per request")
            for order in args.order:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
                text = out.getvalue()
                print("\n".join(line for line in text.splitlines()[6:] if line.strip()))
    finally:
        if system is not None:
            system.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
