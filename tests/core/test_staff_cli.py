"""The staff's `flask …` commands speak Korean: every line they print comes from messages.yaml.

Read from the code, like the wording's own walk (tests/core/test_wording.py checks that each key
used here exists and fills in its values): what the commands echo, ask or refuse has no English
words of its own, and no Korean sentence is written in their Python either.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.core import staff_cli, wording
from bot.core.errors import CodedError
from tests.core.test_wording import ROOT, SENTENCE, USES

# Every `flask …` group: staff, operators, admins and deployers read them all (`flask chat`
# draws the bot's own templates and its notes are templates/cli/chat_*).
STAFF_CLIS = ("bot/notices/cli.py", "bot/broadcast/cli.py", "bot/applications/cli.py",
              "bot/accounts/cli.py", "bot/wallet/cli.py", "bot/merchants/cli.py",
              "bot/web/console/cli.py", "bot/faq/cli.py", "bot/answers/cli.py",
              "bot/conversation/cli.py", "bot/web/cli.py")
# What is printed: these calls' positional arguments and these keywords.
SHOWN = {"echo", "confirm", "prompt", "secho"}
SHOWN_KEYWORDS = {"label", "confirmation_prompt"}
# Click errors print an English "Error: …" frame around the message: refuse with staff_cli.
CLICK_ERRORS = {"UsageError", "ClickException", "BadParameter", "Abort"}
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def _literals(node: ast.AST) -> list[str]:
    """The string constants written into an expression (f-strings' fixed parts included), not
    those only passed on to a call (a key of wording.text, a JSON dump's arguments) or used
    as a key."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Call):
        return []
    if isinstance(node, ast.Subscript):  # a key that picks what is printed is not printed
        return _literals(node.value)
    if isinstance(node, ast.FormattedValue):
        return _literals(node.value)
    return [text for child in ast.iter_child_nodes(node) for text in _literals(child)]


def _calls(path: str) -> list[tuple[int, str, list[ast.expr]]]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            shown = [*node.args] if name in SHOWN else []
            shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
            found.append((node.lineno, name, shown))
    return found


@pytest.mark.parametrize("path", STAFF_CLIS)
def test_what_a_staff_command_prints_has_no_english_of_its_own(path):
    english = [f"{path}:{line}: {text!r}" for line, _, shown in _calls(path)
               for expr in shown for text in _literals(expr) if ENGLISH.search(text)]
    assert english == []
    click_errors = [f"{path}:{line}: {name}" for line, name, _ in _calls(path)
                    if name in CLICK_ERRORS]
    assert click_errors == []


@pytest.mark.parametrize("path", STAFF_CLIS)
def test_a_staff_command_words_through_the_catalogue(path):
    # No Korean sentence in the Python: it is written in messages.yaml, where it is reworded.
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr)}
    written = [node.value for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)
               and id(node) not in docstrings and SENTENCE.search(node.value)]
    assert written == []
    # And the wording walk sees this file's keys (so test_wording checks each one exists).
    assert any(use.where.startswith(f"{path}:") for use in USES)


def test_the_walk_can_fail():
    assert ENGLISH.search("added N-1") and not ENGLISH.search("공고 N-1을(를) 넣었어요.")
    tree = ast.parse('click.echo(f"{count} notice(s)")')
    assert _literals(tree.body[0].value.args[0]) == [" notice(s)"]
    assert _literals(ast.parse('wording.text("cli.notices.count")').body[0].value) == []


def test_a_refusal_is_korean_with_its_code_and_keeps_its_exit_status(capsys):
    with pytest.raises(SystemExit) as exited:
        staff_cli.fail(staff_cli.Misused(code="notices.unknown", id="N-1"))
    assert exited.value.code == 2
    said = capsys.readouterr().err
    assert said == ("✗ 공고 N-1이(가) 없어요. flask notices list로 아이디를 확인해 주세요. "
                    "[notices.unknown]\n")
    with pytest.raises(SystemExit) as exited:
        staff_cli.fail(CodedError("no account 'kim'", code="account.unknown", name="kim"))
    assert exited.value.code == 1 and "'kim' 계정이 없어요. [account.unknown]" in (
        capsys.readouterr().err)
    # An error without a code is still said in Korean, the original kept for the developers.
    assert staff_cli.refusal(RuntimeError("socket closed")).endswith("socket closed")
    assert wording.text("error.unknown", detail="x").startswith("처리하지 못했어요")


def test_columns_line_up_in_a_terminal_where_hangul_takes_two():
    assert staff_cli.width("접수 중") == 7 and staff_cli.width("draft") == 5
    assert staff_cli.pad("승인", 6) == "승인  " and staff_cli.pad("7", 3, right=True) == "  7"
    assert staff_cli.pad("사업자등록번호", 4) == "사업자등록번호"  # never cut


def test_every_staff_cli_module_is_walked():
    # A new `flask …` group must be listed above.
    groups = {p.relative_to(ROOT).as_posix() for p in Path(ROOT / "bot").rglob("cli.py")}
    assert groups == set(STAFF_CLIS)
