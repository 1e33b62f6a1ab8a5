"""Operator templates: YAML files whose strings are Jinja2, rendered in a sandbox.

A template file `templates/<group>/<name>.yaml` describes one answer (see README,
"답변 템플릿 고치기"). The YAML is parsed first and only its string values are
rendered, so a value coming from data (a notice title with ':' or '#') can never
break the structure. `if:` and `for:` keys on list items are Jinja expressions.

Last known good: when a file that loaded fine is saved with a mistake (YAML, not a
mapping, Jinja syntax), the store keeps answering with the version it had, logs
the problem once per change of the file and lists it in `problems()`.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined
from jinja2 import TemplateError as JinjaError

from bot.core.errors import CodedError

from . import filters
from . import template_limits as limits
from .template_limits import TemplateLimitError, render_deadline

__all__ = ["TemplateError", "TemplateStore", "render_deadline"]

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.yaml"
# Keys that describe a template rather than render into the answer (`faq`: the FAQ matcher's
# title, examples and links of a knowledge-base entry, see bot/faq/knowledge.py).
META_KEYS = ("sample", "samples", "about", "partial", "faq")


_TAG = re.compile(r"\{%.*?%\}")


def keep_inline_newlines(source: str) -> str:
    """Keep the line break after a block tag that ends a line of text.

    trim_blocks drops the newline after every block tag, which is right for a
    line holding only `{% endif %}` but glues "…{% endif %}" to the next line
    of text; such tags get Jinja's `+%}` so operators' line breaks survive.
    """
    lines = source.split("\n")
    for i, line in enumerate(lines[:-1]):
        end = line.rstrip()
        if end.endswith("%}") and not end.endswith(("-%}", "+%}")) and _TAG.sub("", end).strip():
            lines[i] = end[:-2] + "+%}" + line[len(end):]
    return "\n".join(lines)


class TemplateError(CodedError):
    """A template is missing, malformed, or failed to render; names the file.

    `message` is English (logs, `str()`); `code` and `values` word it for operators.
    """

    def __init__(self, name: str, message: str, *, code: str, **values: Any) -> None:
        super().__init__(f"{name}: {message}", code=code, **values)
        self.name = name
        self.message = message


_UNDEFINED = re.compile(r"'([^']+)' is undefined")
_NO_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")


def render_failure(name: str, exc: Exception) -> TemplateError:
    """A TemplateError for an exception raised while rendering `name` (coded by its kind)."""
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TemplateLimitError):  # says which limit
        return TemplateError(name, f"template limit: {exc}", code=exc.code, **exc.values)
    text = str(exc)
    undefined = _UNDEFINED.search(text)
    if type(exc).__name__ == "UndefinedError" and undefined:
        return TemplateError(name, detail, code="template.undefined", value=undefined[1])
    missing = _NO_ATTRIBUTE.search(text)
    if type(exc).__name__ == "UndefinedError" and missing:
        return TemplateError(name, detail, code="template.no_attribute", value=missing[1])
    return TemplateError(name, detail, code="template.render", detail=detail)


@dataclass(frozen=True)
class LoadProblem:
    """A template file on disk that does not load (see TemplateStore.problems)."""

    name: str  # template name; "settings" for settings.yaml
    path: Path
    mtime: float  # of the broken version: it is reported once per change of the file
    message: str
    serving_last_good: bool  # False: the file never loaded, its answers fail (common/error)
    error: TemplateError | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        served = "serving the last good version" if self.serving_last_good else "not loaded"
        return f"{self.name}.yaml: {self.message} ({served})"


@dataclass
class _Loaded:
    mtime: float
    spec: dict[str, Any]
    path: Path
    checked: float  # time.monotonic() of the last look at the file


class TemplateStore:
    """Loads, caches (reloading on change) and renders the templates under one folder."""

    def __init__(self, roots: str | os.PathLike[str], auto_reload: bool = True,
                 reload_interval: float = 1.0,
                 template_globals: Mapping[str, Any] | None = None) -> None:
        # Several folders may be given (os.pathsep-separated); the first holding a name wins.
        self.roots = [Path(r) for r in str(roots).split(os.pathsep) if r]
        self.root = self.roots[0]
        self.auto_reload = auto_reload
        # Look at a file's mtime at most this often: a stat per render is measurable.
        self.reload_interval = reload_interval
        self._cache: dict[str, _Loaded] = {}
        self._problems: dict[str, LoadProblem] = {}
        self._lock = threading.Lock()
        # The immutable sandbox plus per-render limits (bot/answers/template_limits.py).
        self.env = limits.LimitedSandbox(
            undefined=StrictUndefined,
            autoescape=False,  # Kakao bubbles are plain text, not HTML
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(filters.FILTERS)
        self.env.guard_filters()
        # Values from the configuration every template may use (e.g. draft_days); a
        # template's own context wins over them.
        self.env.globals.update(template_globals or {})
        self._compiled: dict[str, Any] = {}
        self._expressions: dict[str, Any] = {}
        # Console edits in Redis (bot/answers/overrides.py), consulted before the files;
        # None: files only.
        self.overlay: Any = None

    def expire(self) -> None:
        """Look at every template again on its next use (an edit was just saved here)."""
        for loaded in list(self._cache.values()):
            loaded.checked = float("-inf")

    def with_draft(self, name: str, text: str) -> TemplateStore:
        """A store that sees `text` as template `name` (checking a draft before it is saved)."""
        from bot.answers.overrides import Pinned

        draft = TemplateStore(os.pathsep.join(str(r) for r in self.roots), self.auto_reload,
                              self.reload_interval)
        draft.env.globals.update(self.env.globals)
        draft.overlay = Pinned(self.overlay, name, text)
        return draft

    # -- files -------------------------------------------------------------
    def path(self, name: str) -> Path:
        """Return the file behind a template name such as 'wallet/balance'."""
        if ".." in name.split("/") or name.startswith("/"):
            raise TemplateError(name, "invalid template name", code="template.bad_name")
        for root in self.roots:
            candidate = root / f"{name}.yaml"
            if candidate.is_file():
                return candidate
        return self.root / f"{name}.yaml"

    def names(self) -> list[str]:
        """Every answer template name (files inside sub-folders, console edits), sorted."""
        found = {
            str(p.relative_to(root).with_suffix("")).replace(os.sep, "/")
            for root in self.roots
            for p in root.glob("*/**/*.yaml")
        }
        if self.overlay is not None:
            found.update(n for n in self.overlay.names() if "/" in n)
        return sorted(found)

    def is_partial(self, name: str) -> bool:
        """Partials hold only quick replies shared through `use:`; they are no answer."""
        return bool(self.spec(name).get("partial"))

    def exists(self, name: str) -> bool:
        """Whether a template file (or a console version of it) exists."""
        return self.path(name).is_file() or self._override(name) is not None

    def _override(self, name: str, fresh: bool = False) -> Any:
        """The console's live version of a template (bot/answers/overrides.Source), if any."""
        return self.overlay.get(name, fresh) if self.overlay is not None else None

    def _read(self, name: str, path: Path | None = None, fresh: bool = False,
              last_good: bool = True) -> _Loaded:
        cached = self._cache.get(name)
        now = time.monotonic()
        if cached and not fresh and (
                (not self.auto_reload and self.overlay is None)
                or now - cached.checked < self.reload_interval):
            return cached
        path = path or self.path(name)
        override = self._override(name, fresh)
        if override is not None:  # a console edit wins over the file
            mtime, read = override.stamp, partial(str, override.text)
        else:
            read = partial(path.read_text, encoding="utf-8")
            try:
                mtime = path.stat().st_mtime
            except FileNotFoundError:
                with self._lock:
                    self._problems.pop(name, None)
                raise TemplateError(name, f"template file not found ({path.name})",
                                    code="template.not_found") from None
        if cached and cached.mtime == mtime and cached.path == path:
            cached.checked = now
            # the good version is back (a restored backup keeps its old mtime)
            return self._loaded(name, cached) if name in self._problems else cached
        problem = self._problems.get(name)
        if cached and problem and problem.mtime == mtime and problem.path == path:
            cached.checked = now  # still the broken version, already logged: no re-parse
        else:
            try:
                spec = self._parse(name, read)
            except TemplateError as exc:
                problem = self._keep_last_good(name, path, mtime, exc, cached, now)
            else:
                return self._loaded(name, _Loaded(mtime, spec, path, now))
        if not last_good:
            if problem.error is not None:
                raise problem.error
            raise TemplateError(name, problem.message, code="template.broken")
        return cached

    def _parse(self, name: str, read: Callable[[], str]) -> dict[str, Any]:
        """Read one file; every way it can be wrong becomes a TemplateError naming it."""
        try:
            spec = yaml.safe_load(read()) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise TemplateError(name, f"YAML error: {exc}", code="template.yaml",
                                line=mark.line + 1 if mark is not None else "?") from None
        except UnicodeDecodeError:
            raise TemplateError(name, "the file is not UTF-8 text (save it as UTF-8)",
                                code="template.not_utf8") from None
        except OSError as exc:
            raise TemplateError(name, f"cannot read the file: {exc.strerror or exc}",
                                code="template.unreadable",
                                detail=exc.strerror or str(exc)) from None
        if not isinstance(spec, dict):
            raise TemplateError(name, "the file must be a mapping (key: value lines)",
                                code="template.not_mapping")
        if name != "settings":  # settings are values, not templates
            self._compile_all(name, {k: v for k, v in spec.items() if k not in META_KEYS})
        return spec

    def _loaded(self, name: str, loaded: _Loaded) -> _Loaded:
        with self._lock:
            self._cache[name] = loaded
            fixed = self._problems.pop(name, None)
        if fixed and fixed.serving_last_good:
            log.warning("template %s loads again; answering with the new version", loaded.path)
        return loaded

    def _keep_last_good(self, name: str, path: Path, mtime: float, error: TemplateError,
                        cached: _Loaded | None, now: float) -> LoadProblem:
        """Remember why a file does not load; answer with the version loaded before, if any."""
        problem = LoadProblem(name, path, mtime, error.message, cached is not None, error)
        with self._lock:
            before = self._problems.get(name)
            self._problems[name] = problem
        if cached is None:
            raise error  # never loaded: nothing to fall back to (the renderer apologises)
        cached.checked = now
        if before is None or (before.mtime, before.path) != (mtime, path):
            log.error("template %s is broken, still answering with its last good version: %s",
                      path, error.message)
        return problem

    def warm(self) -> list[LoadProblem]:
        """Load settings and every template now; return the files that do not load.

        Called at start-up (before gunicorn forks its workers), so every file that was
        good then has a last good version to fall back on, used yet or not.
        """
        loads: list[Callable[[], Any]] = [self.settings]
        loads += [partial(self.spec, name) for name in self.names()]
        for load in loads:
            try:
                load()
            except TemplateError:
                pass  # recorded in problems()
        return self.problems()

    def problems(self) -> list[LoadProblem]:
        """Files this store found broken when it last looked at them, by name."""
        with self._lock:
            return sorted(self._problems.values(), key=lambda p: p.name)

    def spec(self, name: str, fresh: bool = False, last_good: bool = True) -> dict[str, Any]:
        """The parsed YAML of a template (cached; reloaded when the file changes).

        `fresh` looks at the file now instead of trusting a check made within the
        last reload interval (for callers that already know a file changed).
        `last_good=False` raises when the file on disk is broken even though an
        earlier good version is still being served (checks judge the file itself).
        """
        return self._read(name, fresh=fresh, last_good=last_good).spec

    def settings(self, fresh: bool = False, last_good: bool = True) -> dict[str, Any]:
        """Operator-editable settings (`templates/settings.yaml`), available as `settings`."""
        path = self.root / SETTINGS_FILE
        if "settings" not in self._cache and not path.is_file() and (
                self._override("settings") is None):
            return {}
        return self._read("settings", path, fresh=fresh, last_good=last_good).spec

    def samples(self, name: str) -> list[dict[str, Any]]:
        """Sample contexts kept in the template file, for checks and previews."""
        spec = self.spec(name)
        if isinstance(spec.get("samples"), list):
            return [s or {} for s in spec["samples"]]
        return [spec.get("sample") or {}]

    # -- rendering ---------------------------------------------------------
    def render_spec(self, name: str, context: dict[str, Any]) -> dict[str, Any]:
        """Render every string of the template; return the filled-in structure."""
        spec = {k: v for k, v in self.spec(name).items() if k not in META_KEYS}
        scope = {"settings": self.settings(), **context}
        try:
            with limits.budget():
                return self._walk(spec, scope)
        except TemplateError:
            raise
        except Exception as exc:  # limits, Jinja errors, a filter or data error: never a crash
            raise render_failure(name, exc) from None

    def render_string(self, source: str, scope: dict[str, Any]) -> str:
        """Render one Jinja2 string in the sandbox (compiled once per source), within limits."""
        template = self._template(source)
        with limits.budget() as spent:
            pieces = []
            # Streamed so that a runaway loop is stopped at MAX_OUTPUT, not after it.
            for piece in template.generate(scope):
                spent.write(len(piece))
                pieces.append(piece)
        return "".join(pieces).strip()

    def evaluate(self, expression: str, scope: dict[str, Any]) -> Any:
        """Evaluate an `if:` / `for:` expression in the sandbox, within limits."""
        with limits.budget():
            return self._expression(expression)(**scope)

    def _template(self, source: str) -> Any:
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self.env.from_string(keep_inline_newlines(source))
            self._compiled[source] = compiled
        return compiled

    def _expression(self, expression: str) -> Any:
        compiled = self._expressions.get(expression)
        if compiled is None:
            compiled = self.env.compile_expression(expression, undefined_to_none=False)
            self._expressions[expression] = compiled
        return compiled

    def _compile_all(self, name: str, node: Any, in_list: bool = False) -> None:
        """Compile every string and `if:`/`for:` the way _walk renders them, at load time.

        A Jinja syntax error (or an unknown filter) then counts as a broken file, so
        the last good version keeps answering. Errors that depend on the values
        (an undefined name, a filter failing on data) only show when rendering.
        """
        if isinstance(node, str):
            if "{" in node or "%" in node:
                self._compiles(name, node, self._template)
        elif isinstance(node, list):
            for item in node:
                self._compile_all(name, item, in_list=True)
        elif isinstance(node, dict):
            if in_list and "for" in node:
                self._compiles(name, str(node["for"]).partition(" in ")[2].strip(),
                               self._expression, f"for: {node['for']}")
            if in_list and "if" in node:
                self._compiles(name, str(node["if"]), self._expression, f"if: {node['if']}")
            for key, value in node.items():
                if key not in ("if", "for"):
                    self._compile_all(name, value)

    @staticmethod
    def _compiles(name: str, source: str, compile_: Any, shown: str | None = None) -> None:
        try:
            compile_(source)
        except JinjaError as exc:
            lines = (shown or source).splitlines() or [""]
            line = getattr(exc, "lineno", None) if shown is None else None
            text = lines[line - 1] if line and line <= len(lines) else lines[0]
            text = text.strip()
            text = text if len(text) <= 60 else text[:59] + "…"
            raise TemplateError(name, f"Jinja syntax error: {exc.message} in '{text}'",
                                code="template.syntax", text=text,
                                detail=exc.message or "") from None

    def _walk(self, node: Any, scope: dict[str, Any]) -> Any:
        if isinstance(node, str):
            return self.render_string(node, scope) if ("{" in node or "%" in node) else node
        if isinstance(node, list):
            return list(self._items(node, scope))
        if isinstance(node, dict):
            return {k: self._walk(v, scope) for k, v in node.items() if k not in ("if", "for")}
        return node

    def _items(self, items: list[Any], scope: dict[str, Any]) -> Iterator[Any]:
        """Expand `for:` items and drop items whose `if:` is false."""
        for item in items:
            if not isinstance(item, dict):
                yield self._walk(item, scope)
                continue
            if "for" in item:
                var, _, source = str(item["for"]).partition(" in ")
                for value in limits.loop_guard(self.evaluate(source.strip(), scope) or ()):
                    inner = {**scope, var.strip(): value}
                    if "if" not in item or self.evaluate(str(item["if"]), inner):
                        yield self._walk(item, inner)
            elif "if" not in item or self.evaluate(str(item["if"]), scope):
                yield self._walk(item, scope)
