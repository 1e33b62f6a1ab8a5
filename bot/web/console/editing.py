"""Editing templates and settings live: check a draft, save it to the Redis layer, roll back.

The console and `flask templates export` use this; the checks are the ones of
`flask templates check` (bot/checks.py) run on the draft before it goes live.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.answers import checks
from bot.answers.overrides import SETTINGS, Overrides, Version
from bot.answers.render import Renderer
from bot.answers.templating import SETTINGS_FILE, TemplateError, TemplateStore
from bot.core.errors import CodedError
from bot.faq.knowledge import WORD_LISTS

# Files edited whole that are not answer templates: settings.yaml and the FAQ word lists.
FILES = {SETTINGS: SETTINGS_FILE, **WORD_LISTS}

log = logging.getLogger(__name__)
NEW_ID = re.compile(r"^[a-z0-9_]{2,40}$")


# What a check found (always a coded checks.Problem), or the English line of one of the
# editor's own refusals (no version, no file …), whose code words it without the line.
Found = checks.Problem | str


class EditRefused(CodedError, ValueError):
    """A draft that would break the bot; `problems` say why (the console words them by code).

    `code` "edit.checks" is a refusal by the checks; the other codes are the editor's own.
    """

    def __init__(self, problems: list[Found], *, code: str, **values: Any) -> None:
        super().__init__("; ".join(map(str, problems)), code=code, problems=problems, **values)
        self.problems = problems


@dataclass(frozen=True)
class Preview:
    """A draft rendered with one context: the Kakao response (None if it failed) and problems."""

    response: dict[str, Any] | None
    problems: list[Found]


class TemplateEditor:
    """Drafts are checked with the bot's own renderer; good ones go live on every worker."""

    def __init__(self, store: TemplateStore, overrides: Overrides) -> None:
        self.store = store
        self.overrides = overrides

    # -- reading ------------------------------------------------------------
    def file_path(self, name: str) -> Path:
        """The file a template (settings, a word list) comes from by default."""
        return self.store.root / FILES[name] if name in FILES else self.store.path(name)

    def file_text(self, name: str) -> str | None:
        """The default in templates/, or None when the template only lives in Redis."""
        path = self.file_path(name)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def source(self, name: str) -> str:
        """The text in force now: the console's live version, else the file."""
        live = self.overrides.get(name, fresh=True)
        if live is not None:
            return live.text
        text = self.file_text(name)
        if text is None:
            raise TemplateError(name, "template not found", code="template.not_found")
        return text

    def is_edited(self, name: str) -> bool:
        """Whether a console version is live for this template."""
        return self.overrides.get(name) is not None

    # -- checking -----------------------------------------------------------
    def renderer_for(self, name: str, text: str) -> Renderer:
        """The bot's renderer over a store that sees the draft (strict: limits are errors)."""
        return Renderer(self.store.with_draft(name, text), strict=True)

    def check(self, name: str, text: str) -> list[Found]:
        """What `flask templates check` would say about the draft (empty: fine)."""
        try:
            renderer = self.renderer_for(name, text)
        except TemplateError as exc:
            return [checks.from_error(exc)]
        if name == SETTINGS:
            return self._check_settings(renderer)
        if name in WORD_LISTS:
            return self._check_word_list(name, text, renderer)
        problems: list[Found] = list(checks.check_template(renderer, name))
        if not problems and name.startswith("faq/"):
            problems += self._check_faq(name, renderer.store)
        return problems

    def _check_settings(self, renderer: Renderer) -> list[Found]:
        """A settings draft must parse and leave every template rendering as before."""
        try:
            renderer.store.settings(fresh=True, last_good=False)
        except TemplateError as exc:
            return [checks.from_error(exc)]
        before = {str(p) for p in checks.check_all(Renderer(self.store, strict=True))}
        return [p for p in checks.check_all(renderer) if str(p) not in before]

    def _check_word_list(self, name: str, text: str, renderer: Renderer) -> list[Found]:
        """A synonyms or outside-topics draft must parse and add nothing to `flask faq check`.

        Both change how every question is read, so the whole knowledge base is checked
        with the draft (each example still finds its entry, no outside topic takes one).
        """
        from bot.faq import knowledge

        load = knowledge.load_synonyms if name == "faq_synonyms" else knowledge.load_outside
        try:
            load(text)
        except (ValueError, TypeError) as exc:  # WordListError: the file's own problem
            return [knowledge.load_problem(name, exc)]
        before = set(knowledge.check_kb(Renderer(self.store, strict=True),
                                         knowledge.KnowledgeBase(self.store)))
        after = knowledge.check_kb(renderer, knowledge.KnowledgeBase(renderer.store))
        return [p for p in after if p not in before]

    @staticmethod
    def _check_faq(name: str, store: TemplateStore) -> list[Found]:
        from bot.faq.knowledge import load_problem, parse_entry

        try:
            parse_entry(name.split("/", 1)[1], store.spec(name, fresh=True))
        except (TemplateError, ValueError, TypeError) as exc:
            return [load_problem(name, exc)]
        return []

    def preview(self, name: str, text: str, context: dict[str, Any]) -> Preview:
        """Render the draft with one context, as the bot would (before production repairs)."""
        try:
            renderer = self.renderer_for(name, text)
            renderer.store.spec(name, fresh=True, last_good=False)
        except TemplateError as exc:
            return Preview(None, [checks.from_error(exc)])
        response, problems = checks.check_sample(renderer, name, context, "preview")
        return Preview(response, list(problems))

    @staticmethod
    def samples_of(text: str) -> list[dict[str, Any]]:
        """The sample contexts written in a draft (none when it does not parse)."""
        try:
            spec = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            return [{}]
        if not isinstance(spec, dict):
            return [{}]
        if isinstance(spec.get("samples"), list):
            return [s if isinstance(s, dict) else {} for s in spec["samples"]] or [{}]
        sample = spec.get("sample")
        return [sample if isinstance(sample, dict) else {}]

    # -- writing ------------------------------------------------------------
    def save(self, name: str, text: str, by: str, note: str = "") -> Version:
        """Make a checked draft live on every worker; EditRefused with the reasons otherwise."""
        self._known(name)
        text = text.replace("\r\n", "\n")
        problems = self.check(name, text)
        if problems:
            raise EditRefused(problems, code="edit.checks")
        return self.overrides.save(name, text, by, "save", note)

    def rollback(self, name: str, version: int, by: str) -> Version:
        """Make an earlier version live again (checked like a save)."""
        old = self.overrides.version_of(name, version)
        if old is None:
            raise EditRefused([f"{name}: no version {version} in the history"],
                              code="edit.no_version", name=name, version=version)
        if old.text is None:
            return self.reset(name, by, note=f"v{version}")
        problems = self.check(name, old.text)
        if problems:
            raise EditRefused(problems, code="edit.checks")
        return self.overrides.save(name, old.text, by, "rollback", f"v{version}")

    def reset(self, name: str, by: str, note: str = "") -> Version:
        """Drop the console version: the file in templates/ answers again."""
        text = self.file_text(name)
        if text is None:
            raise EditRefused([f"{name}: there is no file in templates/ to go back to"],
                              code="edit.no_file", name=name)
        problems = self.check(name, text)
        if problems:
            raise EditRefused(problems, code="edit.checks")
        return self.overrides.save(name, None, by, "reset", note)

    def create(self, name: str, text: str, by: str) -> Version:
        """Add a template that has no file yet (a new FAQ entry), checked like a save."""
        group, _, entry_id = name.partition("/")
        if group != "faq" or not NEW_ID.match(entry_id):
            raise EditRefused(["new entries are faq/<id>, the id in lowercase letters, digits, _"],
                              code="edit.bad_new_id", name=name)
        if name in self.store.names():
            raise EditRefused([f"{name} exists already"], code="edit.exists", name=name)
        problems = self.check(name, text)
        if problems:
            raise EditRefused(problems, code="edit.checks")
        return self.overrides.save(name, text, by, "save", "new entry")

    def _known(self, name: str) -> None:
        if name not in FILES and name not in self.store.names():
            raise EditRefused([f"unknown template {name!r}"], code="edit.unknown", name=name)

    def history(self, name: str) -> list[Version]:
        """Saved versions of a template, newest first."""
        return self.overrides.history(name)

    def diff(self, name: str, old: str | None, new: str | None, old_label: str,
             new_label: str) -> list[str]:
        """Unified diff lines between two versions (None: the file default)."""
        default = self.file_text(name) or ""
        a = (default if old is None else old).splitlines()
        b = (default if new is None else new).splitlines()
        return list(difflib.unified_diff(a, b, old_label, new_label, lineterm="", n=2))

    # -- exporting ----------------------------------------------------------
    def export(self, clear: bool = False, by: str = "export") -> list[tuple[str, Path]]:
        """Write every live console version to its file; optionally drop it from Redis after."""
        written = []
        for name in self.overrides.names():
            live = self.overrides.get(name, fresh=True)
            if live is None:
                continue
            path = self.file_path(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(live.text if live.text.endswith("\n") else live.text + "\n",
                            encoding="utf-8")
            written.append((name, path))
            if clear:
                self.overrides.save(name, None, by, "reset", "exported to file")
        return written
