"""The console in a real browser: operators edit and try answers, staff send and approve."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.support.apply_flow import fill
from tests.support.kakao import Chat
from tests.web.console.browser.conftest import TABLET

GREETING = "welcome/greeting"
OLD_LINE = "아래에서 원하시는 메뉴를 눌러 주세요."
FIRST = "아래 메뉴에서 골라 주세요 (콘솔 v1)."
SECOND = "메뉴를 눌러 주세요 (콘솔 v2)."


def edit_and_save(page, old: str, new: str) -> None:
    """Change a line in the editor, wait for the preview to show it, save."""
    editor = page.locator("#source")
    editor.fill(editor.input_value().replace(old, new))
    expect(page.locator("#preview-chat")).to_contain_text(new)
    expect(page.locator("#preview-problems")).to_contain_text("카카오 제한 안에서 잘 보여요")
    page.click("#save")
    expect(page.locator(".flash.ok")).to_contain_text("저장했어요")


def simulator_opening(page, base: str) -> None:
    """Start the simulator chat over so the welcome block answers afresh."""
    page.goto(f"{base}/console/simulator?user=브라우저")
    page.click("#reset")


def test_operator_edits_previews_saves_tries_and_rolls_back(person, server):
    base, _ = server
    kim = person("kim", "operator")
    page = kim.go(f"/console/templates/{GREETING}")
    expect(page.locator("#preview-chat")).to_contain_text(OLD_LINE)
    edit_and_save(page, OLD_LINE, FIRST)
    kim.shot("operator-template-editor")
    page.locator("#source").fill(page.locator("#source").input_value().replace(
        "{{ settings.center_name", "{{ settings.center_name }"))
    expect(page.locator("#preview-problems")).to_contain_text("중괄호 문법이 맞지 않아요")
    page.click("#save")
    expect(page.locator("#save-problems")).to_contain_text("중괄호 문법이 맞지 않아요")
    page = kim.go(f"/console/templates/{GREETING}")
    edit_and_save(page, FIRST, SECOND)

    simulator_opening(page, base)
    expect(page.locator("#chat .bubble").first).to_contain_text(SECOND)

    page = kim.go(f"/console/templates/{GREETING}/history")
    expect(page.locator("#v2 pre.diff")).to_contain_text(SECOND)
    kim.shot("operator-template-history")
    page.locator("#v1 button.rollback").click()
    expect(page.locator(".flash.ok")).to_contain_text("v1(으)로 되돌렸어요")
    simulator_opening(page, base)
    expect(page.locator("#chat .bubble").first).to_contain_text(FIRST)


def test_operator_answers_a_form_in_the_simulator_by_tapping(person, server):
    kim = person("kim", "operator")
    page = kim.go("/console/simulator?user=신청연습")
    page.click("#reset")

    def tap(label: str) -> None:
        page.locator("#chat .exchange").last.get_by_role("button", name=label, exact=True).click()

    def say(text: str) -> None:
        page.fill("#say", text)
        page.press("#say", "Enter")

    count = page.locator("#chat .exchange").count()

    def next_turn() -> None:
        nonlocal count
        count += 1
        expect(page.locator("#chat .exchange")).to_have_count(count)

    tap("지원금 신청")
    next_turn()
    tap("시작하기")
    next_turn()
    expect(page.locator("#inspect-form")).to_contain_text("apply · 단계 bizno")
    for text in ("120-81-47521", "단골분식", "홍길동"):
        say(text)
        next_turn()
    expect(page.locator("#inspect-form")).to_contain_text("revenue")
    tap("3억 원 이하")  # the revenue band is a quick reply
    next_turn()
    expect(page.locator("#inspect-form")).to_contain_text("channel")
    expect(page.locator("#inspect-templates")).to_contain_text("apply/ask_channel")
    kim.shot("operator-simulator")
    tablet = person("kim", "operator", TABLET)
    tablet.go("/console/simulator?user=신청연습")
    tablet.shot("operator-simulator-tablet")


def test_operator_finds_what_the_bot_would_answer(person, server):
    _, app = server
    unanswered = app.extensions["bot"].services.faq.unanswered
    for question in ("가게가 두 곳이면 둘 다 받아요?", "가게가 두 곳이면 둘 다 받아요?",
                     "헬스장 회원권 양도"):
        unanswered.record(question, time.time())
    kim = person("kim", "operator")
    page = kim.go("/console/faq")
    page.fill("input[name=q]", "법인도 신청 되나요")
    page.click("text=확인")
    expect(page.locator("#faq-band")).to_contain_text("바로 답해요")
    expect(page.locator("#faq-hits")).to_contain_text("법인도 되나요")
    expect(page.locator("main")).to_contain_text("가게가 두 곳이면 둘 다 받아요?")
    kim.shot("operator-faq")


def test_operator_adds_a_synonym_and_reads_the_coverage_map(person, server):
    _, app = server
    kim = person("kim", "operator")
    page = kim.go("/console/faq")
    page.click("text=동의어·맞춤법")
    expect(page.locator("main")).to_contain_text("같은 뜻의 말 묶음")
    source = page.locator("#source")
    source.fill(source.input_value().replace("  - [월렛, 비즈월렛,",
                                             "  - [월렛, 돈주머니, 비즈월렛,", 1))
    page.fill("input[name=note]", "돈주머니도 월렛으로")
    kim.shot("operator-faq-synonyms")
    page.click("#save")
    expect(page.locator("main")).to_contain_text("저장했어요")
    page = kim.go("/console/faq?q=돈주머니 어떻게 만들어요")
    expect(page.locator("#faq-hits")).to_contain_text("사업자 월렛 만들기")
    page = kim.go("/console/faq/check")
    expect(page.locator("#coverage")).to_contain_text("§1.2")
    kim.shot("operator-faq-coverage")
    app.extensions["console"].editor.reset("faq_synonyms", "test")  # the next tests' words


def test_staff_send_a_dry_run_broadcast_to_100_percent(person, server):
    _, app = server
    from tests.support import notice_fixture

    notice_fixture.install(app).put({"id": "N-2026-777", "title": "소상공인 온라인 판로 지원",
                                     "category": "내수", "deadline": "2026-12-31"})
    merchant = Chat(app, "u-browser-friend")
    merchant.say("처음으로")  # seen as a channel friend
    lee = person("lee", "staff")
    page = lee.go("/console/broadcasts")
    page.select_option("select[name=notice]", "N-2026-777")
    page.fill("textarea[name=test_users]", merchant.user_id)
    page.click("#composer button[type=submit]")
    expect(page.locator("#recipients")).to_contain_text("1명")
    expect(page.locator("#cost")).to_contain_text("17원")
    expect(page.locator(".kakao")).to_contain_text("소상공인 온라인 판로 지원")
    lee.shot("staff-broadcast-plan")
    page.check("input[name=confirm]")
    page.click("#send")
    bar = page.locator("#progress .progress")
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=15000)
    expect(page.locator("#progress")).to_have_attribute("data-status", "done")
    lee.shot("staff-broadcast-sent")


def test_staff_approve_an_application(person, server):
    _, app = server
    merchant = Chat(app, "u-browser-applicant")
    fill(merchant)
    receipt = merchant.tap("제출하기").context["receipt"]
    lee = person("lee", "staff")
    page = lee.go("/console/applications")
    expect(page.locator("table")).to_contain_text(receipt)
    expect(page.locator("table")).to_contain_text("120-81-*****")
    lee.shot("staff-applications")
    page.click(f"text={receipt}")
    page.click("#approve")
    expect(page.locator("#status")).to_have_text("승인")
    expect(page.locator("#bizno")).to_contain_text("120-81-*****")
    lee.shot("staff-application-approved")
    page = lee.go("/console/stats")
    expect(page.locator("main")).to_contain_text("지원금 신청서 — 단계별")
    lee.shot("staff-stats", full_page=True)


def test_admin_manages_accounts_and_reads_the_audit_log(person):
    boss = person("boss", "admin")
    page = boss.go("/console/users")
    page.fill("form[action$='/console/users'] input[name=username]", "park")
    page.select_option("form[action$='/console/users'] select[name=role]", "staff")
    page.fill("form[action$='/console/users'] input[name=password]", "park-password-1")
    page.click("form[action$='/console/users'] button[type=submit]")
    expect(page.locator("#user-park")).to_contain_text("직원")
    boss.shot("admin-users")
    page = boss.go("/console/audit")
    expect(page.locator("table")).to_contain_text("user.add")
    expect(page.locator("table")).to_contain_text(re.compile("template.save|login"))
    boss.shot("admin-audit")
