"""The house's shape: a light core, no import cycles, typed services, RQ job paths that hold."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq.utils import import_attribute

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "skills")


def modules() -> dict[str, Path]:
    """Every module of bot/ and skills/ by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, inside functions too, except `if TYPE_CHECKING:` blocks (never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING",
                                                                    "typing.TYPE_CHECKING"):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules `name` imports by an import statement, wherever it stands.

    `from pkg import mod` counts as importing pkg.mod when that is a module. A parent
    package that Python runs first is not an edge: otherwise every package that
    re-exports its modules (bot/kakao/__init__.py) would be a cycle with them.
    """
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                child = f"{module}.{alias.name}"
                found.add(child if child in known else module)
    return {m for m in found if m in known and m != name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at the end), or None."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        while stack:
            target = next(stack[-1], None)
            if target is None:
                stack.pop()
                done.add(path.pop())
            elif target in path:
                return path[path.index(target):] + [target]
            elif target not in done:
                path.append(target)
                stack.append(iter(sorted(graph[target])))
    return None


def test_no_import_cycle_among_bot_and_skills_modules_counting_imports_in_functions():
    known = modules()
    graph = {name: imports_of(name, path, known) for name, path in known.items()}
    assert graph["bot.app"] >= {"skills", "bot.faq.service"}  # the reader sees real edges
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    # The finder itself must be able to fail: a cycle made only by an import in a function.
    (tmp_path / "a.py").write_text("import b\n")
    (tmp_path / "b.py").write_text("def later():\n    from a import x\n")
    known = {"a": tmp_path / "a.py", "b": tmp_path / "b.py"}
    graph = {name: imports_of(name, path, known) for name, path in known.items()}
    assert find_cycle(graph) == ["a", "b", "a"]


# Every core and protocol module, the Redis breaker included (redis-py loads with its first
# guarded client).
LIGHT = ["bot", "bot.conversation.dialog",
         *sorted(n for n in modules() if n.startswith(("bot.core", "bot.kakao")))]


def test_engine_core_and_protocol_import_without_flask_or_redis():
    # One fresh interpreter per check, no stand-ins: each module is imported for real.
    code = (
        "import importlib, sys\n"
        f"for name in {LIGHT!r}:\n"
        "    importlib.import_module(name)\n"
        "    heavy = sorted(m for m in ('flask', 'redis', 'werkzeug', 'jinja2') "
        "if m in sys.modules)\n"
        "    assert not heavy, f'importing {name} loaded {heavy}'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr[-800:]


def test_bot_has_few_top_level_modules_and_each_feature_cli_lives_in_its_package():
    top = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
    assert len(top) <= 10, top
    assert not [p for p in top if p.endswith("_cli.py") or p == "cli.py"], top


def test_no_string_keyed_service_lookup_remains():
    offenders = [f"{path.relative_to(ROOT)}:{i}"
                 for path in modules().values()
                 for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if ".ext[" in line or ".ext.get(" in line]
    assert offenders == []


def test_features_are_installed_by_bot_itself(app):
    services = app.extensions["bot"].services
    assert type(services.broadcasts).__module__ == "bot.broadcast.service"
    assert type(services.faq).__module__ == "bot.faq.service"
    assert type(services.notices).__module__ == "bot.notices.store"
    assert type(services.applications).__module__ == "bot.applications.service"
    assert type(services.wallet).__module__.startswith("bot.wallet.")
    assert type(services.callbacks).__module__ == "bot.conversation.callbacks"


# -- RQ jobs queued before the move ---------------------------------------------------
@pytest.mark.parametrize("path", ["bot.broadcast.jobs.run_job", "bot.applications.deliver_job",
                                  "bot.callbacks.run_job"])
def test_rq_job_paths_of_queued_jobs_still_resolve(path):
    assert callable(import_attribute(path))


def test_a_job_queued_under_the_old_applications_path_runs(app, redis_url, rq_redis_url,
                                                          monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    services = app.extensions["bot"].services
    queue = Queue("danggol", connection=Redis.from_url(rq_redis_url))  # own server on a cluster
    job = queue.enqueue("bot.applications.deliver_job")  # as pickled before the move
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("RQ_REDIS_URL", rq_redis_url)
    monkeypatch.setenv("REDIS_PREFIX", services.keys.prefix)
    services.redis.set(services.keys.application_retry(), "1")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert job.get_status(refresh=True) == "finished" and job.return_value() == 0
    assert services.redis.get(services.keys.application_retry()) is None  # the job ran
