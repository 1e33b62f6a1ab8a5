"""The operators' wording lives in messages.yaml: every key and error code the code uses is
there, every entry there is used, and each wording fills in exactly the values it is given."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.applications.service import TransitionError
from bot.core import wording
from bot.core.errors import CodedError

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "bot" / "web" / "console"
WORDING = ROOT / "bot" / "core" / "wording.py"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# A Korean sentence: it ends like one (…요, …다, with or without its full stop).
SENTENCE = re.compile(r"[\uac00-\ud7a3][요다][.!?)]?\s*$|[요다][.!?]\s")
# Values an error class always carries besides those passed where it is raised.
IMPLICIT = {"EditRefused": {"problems"}}


def sources(root: Path) -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(root.rglob("*.py"))]


BOT = sources(ROOT / "bot")


def coded_classes() -> set[str]:
    """Every class deriving (at any depth) from CodedError, found by reading bot/."""
    bases: dict[str, set[str]] = {}
    for _, tree in BOT:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases}
    found = {"CodedError"}
    while True:
        more = {name for name, of in bases.items() if of & found} - found
        if not more:
            return found - {"CodedError"}
        found |= more


def coded_functions() -> dict[Path, dict[str, set[str]]]:
    """Per module, the functions taking a keyword-only `code` (the checks' problems: limits'
    drop/repair, checks.problem), each with its other keyword-only parameters (not values)."""
    found: dict[Path, dict[str, set[str]]] = {}
    for path, tree in BOT:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                kwonly = {a.arg for a in node.args.kwonlyargs}
                if "code" in kwonly and node.name != "__init__":
                    found.setdefault(path, {})[node.name] = kwonly - {"code"}
    return found


def _passed_on(code: ast.expr) -> bool:
    """`code=exc.code`: another coded error's code handed on (checked where it was made)."""
    return isinstance(code, ast.Attribute) and code.attr == "code"


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else ""


@dataclass(frozen=True)
class Use:
    """One place that names a wording: the section, the key and the values passed."""

    where: str
    section: str
    key: str
    values: frozenset[str]
    implicit: frozenset[str] = frozenset()


def uses() -> list[Use]:
    """say(key, …) and text(key, …) in the console, wording.text(key, …) anywhere; coded errors
    and check problems made anywhere in bot/."""
    coded = coded_classes()
    functions = coded_functions()
    found = []
    for path, tree in BOT:
        in_console = CONSOLE in path.parents or path == WORDING  # where bare text() is ours
        local = functions.get(path, {})
        # and those called through their module from elsewhere (`checks.problem(…)`)
        by_module = {f"{other.stem}.{name}": kwonly for other, defs in functions.items()
                     for name, kwonly in defs.items()}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            keywords = {k.arg for k in node.keywords if k.arg}
            kwonly = local.get(name, by_module.get(ast.unparse(node.func)))
            via_wording = (isinstance(node.func, ast.Attribute) and name == "text"
                           and ast.unparse(node.func.value) in ("wording", "messages"))
            if (in_console and name in ("say", "text")) or via_wording:
                key = node.args[0] if node.args else None
                assert isinstance(key, ast.Constant) and isinstance(key.value, str), (
                    f"{where}: the key must be written out, so it can be checked")
                found.append(Use(where, "flash" if name == "say" else "text", key.value,
                                 frozenset(keywords)))
            elif name in coded or kwonly is not None:
                code = next((k.value for k in node.keywords if k.arg == "code"), None)
                if code is not None and _passed_on(code):
                    continue
                assert isinstance(code, ast.Constant) and isinstance(code.value, str), (
                    f"{where}: {name} without a written-out code= (the console could only "
                    f"show its English message)")
                values = keywords - {"code"} - (kwonly or set())
                found.append(Use(where, "errors", code.value, frozenset(values),
                                 frozenset(IMPLICIT.get(name, ()))))
    return found


USES = uses()


def test_the_scan_sees_the_code():
    # The scan itself must find what is there, or every check below passes on nothing.
    assert {"AccountError", "TransitionError", "EditRefused", "BizinfoError"} <= coded_classes()
    sections = {u.section for u in USES}
    assert sections == {"flash", "text", "errors"}
    assert len([u for u in USES if u.section == "flash"]) >= 48
    assert ("errors", "account.exists", frozenset({"name"})) in {
        (u.section, u.key, u.values) for u in USES if u.where.startswith("bot/accounts/")}
    # The template checks' problems: Kakao limits, the sandbox's limits, the files, the checker.
    kakao = {(u.key, u.values) for u in USES if u.where.startswith("bot/kakao/limits.py")}
    assert ("kakao.too_many", frozenset({"key", "count", "limit"})) in kakao and len(kakao) >= 30
    made = {u.key.split(".")[0] for u in USES if u.where.startswith("bot/answers/")}
    assert {"limit", "template", "check"} <= made
    assert any(u.key == "faq.example_taken" and u.where.startswith("bot/faq/") for u in USES)
    # The FAQ's own: entries and word lists that do not load, the coverage of program-facts.md.
    assert {"EntryError", "WordListError", "ExampleRefused"} <= coded_classes()
    faq = {u.key.split(".")[0] for u in USES if u.where.startswith("bot/faq/")}
    assert {"entry", "words", "coverage", "example"} <= faq
    in_faq_cli = {u.key for u in USES if u.where.startswith("bot/faq/cli.py:")}
    assert {"cli.faq_coverage", "cli.faq_check_ok"} <= in_faq_cli


def test_every_key_and_code_used_is_worded():
    catalogue = wording.catalogue()
    missing = [f"{u.where}: {u.section}.{u.key}" for u in USES
               if u.key not in catalogue[u.section]]
    assert missing == []


def test_every_wording_is_used():
    catalogue = wording.catalogue()
    used = {(u.section, u.key) for u in USES}
    unused = [f"{section}: {key}" for section, entries in catalogue.items()
              if section != "labels" for key in entries if (section, key) not in used]
    assert unused == []


@pytest.mark.parametrize("use", USES, ids=lambda u: f"{u.section}.{u.key}@{u.where}")
def test_each_wording_fills_in_the_values_it_is_given(use):
    line = wording.catalogue()[use.section][use.key]
    assert wording.placeholders(line) - use.implicit == set(use.values), line
    sample = {name: ["a problem"] if name == "problems" else 1234
              for name in use.values | use.implicit}
    said = wording.render(line, sample)
    assert "{" not in said and "}" not in said and HANGUL.search(said), said


def test_the_check_of_placeholders_can_fail():
    line = wording.catalogue()["flash"]["users.created"]
    assert wording.placeholders(line) == {"name"}
    assert wording.placeholders("{a} {b:application} {c:,}원") == {"a", "b", "c"}
    with pytest.raises(KeyError):
        wording.render(line, {})


def test_codes_are_read_as_korean_labels():
    refused = TransitionError("DG-1 is approved; cannot become received",
                              code="application.transition", receipt="DG-1",
                              current="approved", wanted="received")
    assert str(refused) == "DG-1 is approved; cannot become received"  # the CLI's text
    said = wording.explain(refused)
    assert "'승인' 상태라 '접수'(으)로 바꿀 수 없어요" in said and "approved" not in said


def test_an_error_without_a_known_code_is_said_in_korean_with_the_original_kept():
    for error in (RuntimeError("socket closed"), CodedError("socket closed", code="no.such")):
        said = wording.explain(error)
        assert HANGUL.search(said.split("socket closed")[0]) and said.endswith("socket closed")


def test_a_long_list_of_check_problems_is_cut_with_a_count():
    said = wording.render("{problems}", {"problems": [f"p{i}" for i in range(8)]})
    assert said.count(" / ") == 5 and said.endswith("그 밖에 3개")


def test_no_flash_and_no_korean_sentence_left_in_the_console_code():
    offenders = []
    for path, tree in sources(CONSOLE):
        if path.name in ("helpers.py", "messages.py"):  # labels; the wording's reader
            continue
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr)}
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and _name(node) == "flash":
                offenders.append(f"{where}: flash(…) (use say)")
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings and SENTENCE.search(node.value)):
                offenders.append(f"{where}: {node.value!r}")
    assert offenders == []
    assert SENTENCE.search("계정을 만들었어요.") and not SENTENCE.search("지원금 신청")
