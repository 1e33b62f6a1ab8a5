"""`flask applications …` through Flask's CliRunner, and what the merchant then sees."""

from __future__ import annotations

import csv

import pytest

from bot.applications import service as apps
from bot.core import events, staff_cli
from bot.core.config import Config
from tests.support.apply_flow import NOON_KST, fill, freeze
from tests.support.kakao import Chat

INTAKE = "https://intake.example.kr/applications"


@pytest.fixture
def services(app):
    """The app's services with the clock frozen at noon KST."""
    freeze(app)
    return app.extensions["bot"].services


@pytest.fixture
def receipt(chat, services):
    """A merchant's submitted application."""
    fill(chat)
    return chat.tap("제출하기").context["receipt"]


def run(runner, *args: str):
    """Invoke `flask applications …`."""
    return runner.invoke(args=["applications", *args])


def test_list_masks_personal_data_and_filters(runner, receipt):
    result = run(runner, "list")
    assert result.exit_code == 0, result.output
    assert receipt in result.output and "120-81-*****" in result.output
    assert "1208147521" not in result.output and result.output.endswith("신청 1건\n")
    head, line = result.output.splitlines()[:2]
    assert head.split() == ["접수번호", "상태", "접수", "사업자등록번호", "상호", "전달"]
    assert line.split()[:2] == [receipt, "접수"] and line.split()[-1] == "-"
    width = staff_cli.width  # the columns line up in a terminal, Hangul two columns a letter
    assert width(head[:head.index("상호")]) == width(line[:line.index("단골분식")])
    assert receipt not in run(runner, "list", "--status", "approved").output
    assert receipt in run(runner, "list", "--since", "2026-11-21").output
    assert receipt not in run(runner, "list", "--since", "2026-11-22").output


def test_show_masks_unless_asked(runner, receipt, chat):
    masked = run(runner, "show", receipt)
    assert masked.exit_code == 0
    assert "010-****-1357" in masked.output and "홍*동" in masked.output
    assert "01024681357" not in masked.output and chat.user_id not in masked.output
    lines = masked.output.splitlines()
    fields = lines[:[line.strip() for line in lines].index("기록:") + 1]
    assert {"상태: 접수", "사업자 구분: 법인", "비즈니스 채널: 예", "기록:"} <= {
        line.strip() for line in fields}
    # The Korean names line up on their colons in a terminal (Hangul: two columns a letter).
    assert {staff_cli.width(line.split(":")[0]) for line in fields} == {16}
    assert lines[-1].endswith("  접수 — 처리: merchant")
    full = run(runner, "show", receipt, "--unmasked")
    assert "01024681357" in full.output and "1208147521" in full.output
    assert chat.user_id in full.output  # the merchant's user key is kept for them


def test_show_an_unknown_receipt_fails(runner):
    result = run(runner, "show", "DG-20261121-0404")
    assert result.exit_code == 1
    assert result.output == "✗ 접수번호 DG-20261121-0404인 신청이 없어요. [application.unknown]\n"


def test_approve_and_mark_paid_record_who_and_when(runner, receipt, services, chat):
    paid = []

    def on_paid(sender, **kw):
        paid.append(kw)

    events.application_paid.connect(on_paid, sender=services)
    assert run(runner, "review", receipt, "--by", "kim").exit_code == 0
    services.clock = lambda: NOON_KST + 86400
    result = run(runner, "approve", receipt, "--by", "kim")
    assert result.exit_code == 0
    assert result.output == f"{receipt}: 승인(으)로 바꿨어요 (처리: kim).\n"
    services.clock = lambda: NOON_KST + 2 * 86400
    assert run(runner, "mark-paid", receipt, "--by", "lee").exit_code == 0
    app = apps.store_of(services).get(receipt)
    assert [(c.status, c.by, c.at) for c in app.history] == [
        ("received", "merchant", NOON_KST), ("reviewing", "kim", NOON_KST),
        ("approved", "kim", NOON_KST + 86400), ("paid", "lee", NOON_KST + 2 * 86400)]
    assert paid == [{"receipt": receipt, "business_number": "1208147521", "amount": 300000}]

    said = chat.say("신청 현황")
    assert said.template == "apply/status" and said.context["status"] == "paid"
    assert said.context["paid_at"] == NOON_KST + 2 * 86400
    assert "사용하기" in said.text and "월렛 잔액" in said.quick_replies


def test_by_defaults_to_the_user_running_the_command(runner, receipt, services, monkeypatch):
    # A command's app reads $USER with the rest of its environment (config is the only reader).
    assert Config.from_env({"USER": "park"}).USER == "park"
    monkeypatch.setitem(services.config, "USER", "park")
    assert run(runner, "approve", receipt).exit_code == 0
    assert apps.store_of(services).get(receipt).history[-1].by == "park"


@pytest.mark.parametrize(("steps", "refused"), [
    ([], "mark-paid"),
    ([("reject", "--reason", "서류 부족")], "approve"),
    ([("reject", "--reason", "서류 부족")], "mark-paid"),
    ([("approve",), ("mark-paid",)], "reject"),
])
def test_changes_outside_the_lifecycle_are_refused(runner, receipt, steps, refused):
    for step in steps:
        assert run(runner, step[0], receipt, *step[1:]).exit_code == 0
    args = [refused, receipt] + (["--reason", "x"] if refused == "reject" else [])
    result = run(runner, *args)
    assert result.exit_code == 1 and "바꿀 수 없어요" in result.output
    assert result.output.startswith("✗ ") and "[application.transition]" in result.output


def test_reject_needs_a_reason_and_lets_the_merchant_apply_again(runner, receipt, chat):
    assert run(runner, "reject", receipt).exit_code == 2  # --reason is required
    blank = run(runner, "reject", receipt, "--reason", "  ")
    assert blank.exit_code == 2 and "반려 사유(--reason)를 적어 주세요" in blank.output
    assert run(runner, "reject", receipt, "--reason", "개인 월렛이에요").exit_code == 0
    said = chat.say("신청 현황")
    assert said.context["status"] == "rejected"
    assert said.context["reject_reason"] == "개인 월렛이에요"
    assert "다시 신청하기" in said.quick_replies
    intro = chat.tap("다시 신청하기")
    assert intro.template == "apply/intro" and intro.context == {"reapply": True}
    fill(chat)
    again = chat.tap("제출하기")
    assert again.template == "apply/submitted" and again.context["receipt"] != receipt


def test_export_writes_excel_friendly_csv_masked_by_default(runner, receipt, tmp_path):
    path = tmp_path / "apps.csv"
    result = run(runner, "export", "--csv", str(path))
    assert result.exit_code == 0
    assert result.output == (f"신청 1건을 {path}에 썼어요. "
                             "개인정보는 가렸어요 (전부 보려면 --unmasked).\n")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert rows[0]["receipt"] == receipt and rows[0]["business_name"] == "단골분식"
    assert rows[0]["business_number"] == "120-81-*****"
    assert rows[0]["phone"] == "010-****-1357" and rows[0]["representative"] == "홍*동"
    run(runner, "export", "--csv", str(path), "--unmasked")
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert rows[0]["business_number"] == "1208147521" and rows[0]["phone"] == "01024681357"


def test_export_with_nothing_to_export_writes_the_header(runner, tmp_path):
    path = tmp_path / "none.csv"
    assert run(runner, "export", "--csv", str(path), "--status", "paid").exit_code == 0
    assert path.read_text(encoding="utf-8-sig").startswith("receipt,status,")


def test_retry_delivers_the_queue(make_app, http):
    app = make_app(env={"APPLICATION_INTAKE_URL": INTAKE})
    freeze(app)
    http.post(INTAKE, status=503)
    chat = Chat(app)
    fill(chat)
    receipt = chat.tap("제출하기").context["receipt"]
    runner = app.test_cli_runner()
    http.replace("POST", INTAKE, status=503)
    failed = run(runner, "retry", "--attempts", "1")
    assert failed.exit_code == 1 and f"  대기: {receipt}" in failed.output
    http.replace("POST", INTAKE, json={"ok": True})
    result = run(runner, "retry")
    assert result.exit_code == 0 and "전달 1건, 아직 대기 0건" in result.output
    assert "전달 0건, 아직 대기 0건" in run(runner, "retry").output


def test_retry_without_an_intake_says_so(runner):
    result = run(runner, "retry")
    assert result.exit_code == 0
    assert result.output == "APPLICATION_INTAKE_URL이 설정되지 않아 전달할 곳이 없어요.\n"
