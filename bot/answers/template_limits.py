"""What an operator template may compute: the Jinja2 sandbox with a budget per render.

Jinja's sandbox stops templates from reaching Python internals, but not from
burning a worker: `{% for %}` over `range(100000)` twice nested, `'a' * 10**8`
or `10 ** 10 ** 10` all pass it. Every render here runs under a Budget:

- `range()` gives at most MAX_RANGE numbers;
- all loops of one render (`{% for %}` and the YAML `for:` items) run at most
  MAX_ITERATIONS times in total;
- no string or list built by `*`, `+`, `~`, `%`, a filter or a method call may
  exceed MAX_STRING items, and `**` may not build numbers over MAX_POWER_BITS;
- one render writes at most MAX_OUTPUT characters;
- one render uses at most RENDER_SECONDS of its thread's CPU time, and never runs
  past the reply's own deadline (`render_deadline`, wall clock, set by the webhook
  from SKILL_BUDGET). CPU time, not wall time, for the template's own limit: a busy
  machine must not turn an ordinary answer into the apology, while a runaway loop
  burns CPU and is stopped all the same.

Breaking a limit raises TemplateLimitError (a Jinja SecurityError), which the
store reports as a TemplateError naming the file: the merchant gets the apology,
`flask templates check` and the console name the file and the limit (worded by its code).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from bot.core.errors import CodedError

MAX_RANGE = 1_000
MAX_ITERATIONS = 5_000
MAX_STRING = 20_000
MAX_OUTPUT = 50_000
MAX_POWER_BITS = 4_096
RENDER_SECONDS = 0.5
# A string operation whose inputs multiply past this is refused before it runs (the result
# check after it would come too late for memory: 'x' * 20,000 replaced into 20,000 places).
MAX_WORK = 1_000_000

LOOP_GUARD = "_loop_guard"
STRING_GUARD = "_string_guard"
# Filters whose integer arguments size their output (`center(10**8)`, `batch(n, fill)`).
SIZING_FILTERS = frozenset({"center", "indent", "batch", "slice"})
SIZING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
# A width or precision of five digits or more, or one taken from the arguments ('*').
_WIDE_FORMAT = re.compile(r"%[^a-zA-Z%]*(\d{5,}|\*)|\{[^{}]*(\d{5,}|\{)[^{}]*\}")


class TemplateLimitError(CodedError, SecurityError):
    """A template tried to compute more than an answer ever needs.

    The English message is for logs; `code` and `values` word it in Korean for operators
    (`errors:` in bot/core/messages.yaml).
    """


# The thread's CPU clock is a system call (unlike perf_counter): read it every few ticks.
CPU_CHECK_EVERY = 16


@dataclass
class Budget:
    """What one render has used so far, and when it must stop."""

    cpu_deadline: float  # time.thread_time() value: the template's own limit
    deadline: float = float("inf")  # time.perf_counter() value: the reply's deadline
    iterations: int = 0
    output: int = 0
    ticks: int = 0

    def tick(self) -> None:
        """Check the clocks (called on every loop step, call, operator and filter)."""
        self.ticks += 1
        if time.perf_counter() > self.deadline:  # not the template's fault: say so
            raise TemplateLimitError("the reply's time ran out while rendering",
                                     code="limit.deadline")
        if self.ticks % CPU_CHECK_EVERY == 0 and time.thread_time() > self.cpu_deadline:
            raise TemplateLimitError(
                f"rendering took longer than {RENDER_SECONDS:g} s — simplify its loops",
                code="limit.cpu", seconds=RENDER_SECONDS)

    def iterate(self) -> None:
        """Count one loop iteration."""
        self.iterations += 1
        if self.iterations > MAX_ITERATIONS:
            raise TemplateLimitError(
                f"more than {MAX_ITERATIONS:,} loop iterations in one answer",
                code="limit.iterations", limit=MAX_ITERATIONS)
        self.tick()

    def write(self, chars: int) -> None:
        """Count characters of output."""
        self.output += chars
        if self.output > MAX_OUTPUT:
            raise TemplateLimitError(f"the answer grew over {MAX_OUTPUT:,} characters",
                                     code="limit.output", limit=MAX_OUTPUT)


_budget: ContextVar[Budget | None] = ContextVar("template_budget", default=None)
_deadline: ContextVar[float | None] = ContextVar("render_deadline", default=None)


@contextmanager
def render_deadline(deadline: float) -> Iterator[None]:
    """Renders inside this block end by `deadline` (a time.perf_counter() value)."""
    token = _deadline.set(deadline)
    try:
        yield
    finally:
        _deadline.reset(token)


@contextmanager
def budget(seconds: float = RENDER_SECONDS) -> Iterator[Budget]:
    """A fresh budget for one render; nested renders share the outer one."""
    outer = _budget.get()
    if outer is not None:
        yield outer
        return
    cap = _deadline.get()
    current = Budget(time.thread_time() + seconds, float("inf") if cap is None else cap)
    token = _budget.set(current)
    try:
        yield current
    finally:
        _budget.reset(token)


def _current() -> Budget:
    """The render's budget; a standalone one for code run outside a render (constant folding)."""
    found = _budget.get()
    return found if found is not None else Budget(time.thread_time() + RENDER_SECONDS)


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _check_size(value: Any, what: str) -> Any:
    size = _size(value)
    if size is not None and size > MAX_STRING:
        raise TemplateLimitError(
            f"{what} built a value of {size:,} characters/items, over {MAX_STRING:,}",
            code="limit.value_size", what=what, size=size, limit=MAX_STRING)
    return value


def _check_work(what: str, *values: Any) -> None:
    """Refuse an operation whose inputs could multiply into a huge value."""
    sizes = [s for s in (_size(v) for v in values) if s is not None]
    if len(sizes) >= 2:
        sizes.sort()
        if sizes[-1] * sizes[-2] > MAX_WORK:
            raise TemplateLimitError(f"{what} on values this large is not allowed",
                                     code="limit.work", what=what)


def _check_format(fmt: Any, what: str) -> None:
    if isinstance(fmt, str) and _WIDE_FORMAT.search(fmt):
        raise TemplateLimitError(f"{what}: widths of 10,000 or more are not allowed",
                                 code="limit.format_width", what=what)


def limited_range(*args: int) -> range:
    """range() for templates: at most MAX_RANGE numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimitError(f"range() of {len(numbers):,} numbers, over {MAX_RANGE:,}",
                                 code="limit.range", count=len(numbers), limit=MAX_RANGE)
    return numbers


def loop_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    """Wraps every `{% for %}`: each step counts against the render's iterations."""
    spent = _current()
    for item in iterable:
        spent.iterate()
        yield item


def string_guard(value: Any) -> Any:
    """Wraps every `~` concatenation: the result may not exceed MAX_STRING."""
    _current().tick()
    return _check_size(value, "'~'")


def guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that ticks the clock and refuses oversized arguments and results."""

    @functools.wraps(func)  # keeps jinja's pass_context / pass_environment marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _current().tick()
        if name in SIZING_FILTERS:
            for arg in (*args[1:], *kwargs.values()):
                if isinstance(arg, int) and arg > MAX_STRING:
                    raise TemplateLimitError(f"|{name}({arg:,}) is too large",
                                             code="limit.argument", what=f"|{name}", value=arg)
        if name == "format" and args:
            _check_format(args[0], "|format")
        _check_work(f"|{name}", *args, *kwargs.values())
        return _check_size(func(*args, **kwargs), f"|{name}")

    return guarded


class _Guards(NodeTransformer):
    """Rewrites a parsed template: loops and `~` go through the guards."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        """`for x in it` → `for x in it|_loop_guard`."""
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, LOOP_GUARD, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        """`a ~ b` → `(a ~ b)|_string_guard`."""
        self.generic_visit(node)
        return nodes.Filter(node, STRING_GUARD, [], [], None, None, lineno=node.lineno)


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus the per-render limits above."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = limited_range
        self.globals.pop("lipsum", None)  # lipsum(n=10**6): text nobody needs in an answer
        self.guard_filters()

    def guard_filters(self) -> None:
        """Wrap every registered filter (call again after adding filters)."""
        for name, func in list(self.filters.items()):
            if not getattr(func, "_guarded", False):
                wrapped = guard_filter(name, func)
                wrapped._guarded = True  # type: ignore[attr-defined]
                self.filters[name] = wrapped
        self.filters[LOOP_GUARD] = loop_guard
        self.filters[STRING_GUARD] = string_guard

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        return _Guards().visit(tree)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse operators that would build huge strings, lists or numbers."""
        _current().tick()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                size = _size(seq)
                if size is not None and isinstance(times, int) and size * times > MAX_STRING:
                    raise TemplateLimitError(
                        f"'*' would build {size * times:,} characters/items, over "
                        f"{MAX_STRING:,}", code="limit.repeat", size=size * times,
                        limit=MAX_STRING)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and max(left.bit_length(), 1) * right > MAX_POWER_BITS:
                raise TemplateLimitError("'**' result too large", code="limit.power",
                                         bits=MAX_POWER_BITS)
        elif operator == "%":
            _check_format(left, "'%'")
        result = super().call_binop(context, operator, left, right)
        return _check_size(result, f"'{operator}'")

    def call(__self, __context: Any, __obj: Any,  # noqa: N805 - jinja's own signature
             *args: Any, **kwargs: Any) -> Any:
        """Calls (methods, macros, `loop()`) tick the clock and are size-checked."""
        _current().tick()
        target = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner = getattr(target, "__self__", None)
        method = getattr(target, "__name__", "")
        if isinstance(owner, str):
            if method in SIZING_METHODS:
                for arg in (*args, *kwargs.values()):
                    if isinstance(arg, int) and arg > MAX_STRING:
                        raise TemplateLimitError(f".{method}({arg:,}) is too large",
                                                 code="limit.argument", what=f".{method}",
                                                 value=arg)
            if method in ("format", "format_map"):
                _check_format(owner, f".{method}")
            _check_work(f".{method}()", owner, *args, *kwargs.values())
        result = super().call(__context, __obj, *args, **kwargs)
        return _check_size(result, f".{method}()" if method else "a call")
