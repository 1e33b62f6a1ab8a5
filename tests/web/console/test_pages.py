"""The console's pages doing their jobs through the services the CLI uses."""

from __future__ import annotations

import re
import time

import pytest
import responses

from bot.applications import service as apps
from tests.support import notice_fixture
from tests.support.apply_flow import fill, freeze
from tests.support.console import Console
from tests.support.kakao import Chat

HX = {"HX-Request": "true"}


@pytest.fixture
def operator(app) -> Console:
    console = Console(app)
    console.login("kim", "operator")
    return console


@pytest.fixture
def staff(app) -> Console:
    console = Console(app)
    console.login("lee", "staff")
    return console


def taps(response) -> list[str]:
    """Labels of the buttons and quick replies a simulator turn offers."""
    return re.findall(r'data-tap="([^"]+)"', response.get_data(as_text=True))


# -- simulator ------------------------------------------------------------------------------
def test_the_simulator_walks_a_form_by_tapping(app, operator):
    page = operator.get("/console/simulator?user=민수")
    assert "지원금 신청" in taps(page)
    turn = operator.post("/console/simulator/say?user=민수", {"text": "지원금 신청"}, headers=HX)
    assert "apply/intro" in turn.get_data(as_text=True) and "시작하기" in taps(turn)
    turn = operator.post("/console/simulator/say?user=민수", {"text": "시작하기"}, headers=HX)
    text = operator.text(turn)
    assert "apply/ask_bizno" in text and "apply · 단계 bizno" in text
    turn = operator.post("/console/simulator/say?user=민수", {"text": "120-81-47521"},
                         headers=HX)
    assert "apply · 단계 business_name" in operator.text(turn)
    again = operator.get("/console/simulator?user=민수")  # a reload keeps the chat
    assert again.get_data(as_text=True).count('class="exchange"') == 4
    operator.post("/console/simulator/reset", {"user": "민수"})
    fresh = operator.get("/console/simulator?user=민수")
    assert fresh.get_data(as_text=True).count('class="exchange"') == 1


def test_simulator_users_are_separate(app, operator):
    operator.post("/console/simulator/say?user=갑", {"text": "지원금 신청"}, headers=HX)
    operator.post("/console/simulator/say?user=갑", {"text": "시작하기"}, headers=HX)
    other = operator.post("/console/simulator/say?user=을", {"text": "처음으로"}, headers=HX)
    assert "작성 중인 양식 없음" in operator.text(other)
    assert "apply · 단계 bizno" in operator.text(operator.get("/console/simulator?user=갑"))


# -- FAQ and settings -------------------------------------------------------------------------
def test_what_would_the_bot_answer(app, operator):
    page = operator.text(operator.get("/console/faq?q=법인도 신청 되나요"))
    assert "바로 답해요" in page and "법인도 되나요" in page


def test_an_unanswered_question_becomes_an_example(app, operator):
    chat = Chat(app)
    question = "사업장이 두 곳이면 둘 다 되나요"
    faq = app.extensions["bot"].services.faq
    faq.unanswered.record(question, time.time())  # as the fallback logs what it cannot answer
    page = operator.text(operator.get("/console/faq"))
    assert question in page and "예시로 더하기" in page
    saved = operator.post("/console/faq/example", {"question": question,
                                                   "entry": "eligibility"})
    assert saved.status_code == 302
    assert question in app.extensions["console"].editor.source("faq/eligibility")
    assert faq.unanswered.top(10) == []
    faq.kb.snapshot()  # the rebuilt index (timing is not what this test is about)
    assert chat.say(question, gap=30).template == "faq/eligibility"


def test_operators_clear_the_unanswered_list_once_it_is_worked_through(app, operator):
    faq = app.extensions["bot"].services.faq
    for question in ("헬스장 회원권 양도", "가게 간판 바꾸는 법"):
        faq.unanswered.record(question, time.time())
    assert "목록 모두 비우기" in operator.text(operator.get("/console/faq"))
    cleared = operator.post("/console/faq/unanswered/clear", follow_redirects=True)
    assert "2개를 목록에서 지웠어요" in operator.text(cleared)
    assert faq.unanswered.top(10) == []
    entry = app.extensions["console"].audit.recent(5, action="faq.unanswered.clear")[0]
    assert entry.target == "2 questions"


def test_operators_create_a_new_entry_that_answers(app, operator):
    created = operator.post("/console/faq/new", {
        "id": "parking", "title": "주차 지원도 되나요", "topic": "지원 내용",
        "examples": "주차비도 지원돼요?\n주차장 비용 지원\n가게 주차 지원 받을 수 있나요",
        "answer": "이 지원금은 카카오톡 채널 메시지 발송에만 쓸 수 있어요."})
    assert created.headers["Location"] == "/console/templates/faq/parking"
    faq = app.extensions["bot"].services.faq
    assert "parking" in faq.kb.snapshot().entries
    said = Chat(app).say("주차비도 지원돼요?")
    assert said.template == "faq/parking" and "메시지 발송에만" in said.text
    taken = operator.post("/console/faq/new", {
        "id": "parking", "title": "또 주차", "topic": "지원 내용", "examples": "주차",
        "answer": "x"}, follow_redirects=True)
    assert "faq/parking 항목이 이미 있어요" in operator.text(taken)
    assert "exists already" not in operator.text(taken)  # staff read Korean only


def test_check_pages_run_the_cli_checks_on_live_versions(app, operator):
    assert "문제가 없어요" in operator.text(operator.get("/console/templates/check"))
    overrides = app.extensions["console"].overrides
    overrides.save("wallet/balance", "text: '{{ amount | won }}'", "elsewhere")  # unchecked
    page = operator.text(operator.get("/console/templates/check"))
    assert "값 'amount'이(가) 없어요" in page and "wallet/balance.yaml" in page


def test_the_faq_check_page_shows_the_coverage_map_and_thin_wordings(app, operator):
    page = operator.get("/console/faq/check")
    html = page.get_data(as_text=True)
    assert 'id="coverage"' in html and "§1.2" in html and "법인도 되나요" in html
    assert "항목 없음" not in html  # the shipped knowledge base covers every section
    advice = operator.text(operator.get("/console/faq/check?advice=1"))
    assert "예시 질문이 더 필요한 곳" in advice and "찾아보기" not in advice


def test_the_faq_check_page_says_an_entrys_problems_in_korean(app, operator):
    source = (app.extensions["console"].editor.source("faq/ad_consent")
              .replace("title: 광고 수신 동의", "title: 광고 수신 동의를 받는 방법과 기간"))
    app.extensions["console"].overrides.save("faq/ad_consent", source, "elsewhere")  # unchecked
    page = operator.text(operator.get("/console/faq/check"))
    title = "광고 수신 동의를 받는 방법과 기간"
    assert f"faq/ad_consent.yaml: 제목 '{title}'이(가) 14자보다 길어요" in page
    assert "is longer than 14 characters" not in page  # the English is `flask faq check`'s


def test_the_faq_check_page_says_why_an_entry_cannot_be_read_in_korean(app, operator):
    source = app.extensions["console"].editor.source("faq/ad_consent")
    broken = source.replace("title: 광고 수신 동의", "title: ''", 1)
    app.extensions["console"].overrides.save("faq/ad_consent", broken, "elsewhere")  # unchecked
    page = operator.text(operator.get("/console/faq/check"))
    assert "faq/ad_consent.yaml: faq.title(제목)이 비어 있어요." in page
    assert "faq.title is empty" not in page


def test_the_editor_refuses_a_broken_faq_block_in_korean(app, operator):
    source = app.extensions["console"].editor.source("faq/ad_consent")
    broken = source.replace("  examples:\n", "  order: 먼저\n  examples:\n", 1)
    refused = operator.post("/console/templates/faq/ad_consent", {"source": broken})
    assert refused.status_code == 422
    page = operator.text(refused)
    assert "faq/ad_consent.yaml: faq.order(보이는 순서)는 숫자로 적어 주세요 (지금: 먼저)" in page
    assert "whole number" not in page


def test_settings_are_edited_as_a_form_and_keep_their_comments(app, operator):
    page = operator.text(operator.get("/console/settings"))
    assert "operator_phone" in page and "상담 전화번호가 정해지면" in page
    operator.post("/console/settings", {"s_operator_phone": "1577-0000"})
    source = app.extensions["console"].editor.source("settings")
    assert "operator_phone: 1577-0000  # 상담 전화번호가 정해지면" in source
    said = Chat(app).say("상담원 연결", skill="operator")
    assert {"label": "전화 상담", "action": "phone", "phoneNumber": "1577-0000"} in said.buttons


def test_operators_edit_the_synonyms_and_the_bot_reads_the_new_word(app, operator):
    chat = Chat(app)
    question = "돈주머니 어떻게 만들어요"
    assert chat.say(question).template != "faq/wallet_create"
    assert "동의어·맞춤법" in operator.text(operator.get("/console/faq"))
    page = operator.text(operator.get("/console/templates/faq_synonyms"))
    assert "같은 뜻의 말 묶음" in page
    source = app.extensions["console"].editor.source("faq_synonyms")
    edited = source.replace("  - [월렛, 비즈월렛,", "  - [월렛, 돈주머니, 비즈월렛,", 1)
    saved = operator.post("/console/templates/faq_synonyms", {"source": edited,
                                                             "note": "돈주머니"})
    assert saved.status_code == 302
    assert chat.say(question, gap=30).template == "faq/wallet_create"
    history = operator.text(operator.get("/console/templates/faq_synonyms/history"))
    assert "+ - [월렛, 돈주머니, 비즈월렛," in history and "돈주머니" in history
    operator.post("/console/templates/faq_synonyms/reset", {})
    assert chat.say(question, gap=30).template != "faq/wallet_create"


def test_a_word_list_that_would_break_the_faq_is_refused(app, operator):
    refused = operator.post("/console/templates/faq_synonyms", {"source": "synonyms: [1, 2\n"})
    assert refused.status_code == 422
    page = operator.text(refused)
    assert "faq_synonyms.yaml: YAML 형식이 맞지 않아요 (2번째 줄 근처)" in page
    assert "while parsing" not in page  # PyYAML's English stays in the logs
    refused = operator.post("/console/templates/faq_outside",
                            {"source": "outside:\n  - name: 세금 신고\n"})
    assert refused.status_code == 422
    assert "다루지 않는 주제 '세금 신고'에 예시 질문(examples)이 없어요" in operator.text(refused)
    editor = app.extensions["console"].editor
    taking = editor.source("faq_outside") + (
        "  - name: 법인 이야기\n    examples: [법인도 되나요, 법인 사업자도 신청 가능한가요?]\n")
    refused = operator.post("/console/templates/faq_outside", {"source": taking})
    assert refused.status_code == 422 and "저장하지 않았어요" in operator.text(refused)
    assert "법인 이야기" not in editor.source("faq_outside")
    assert Chat(app).say("법인도 신청 되나요").template == "faq/eligibility_corporate"


# -- notices --------------------------------------------------------------------------------
def test_staff_add_edit_search_and_hide_notices(app, staff):
    created = staff.post("/console/notices/new", {
        "title": "센터 디지털 교육", "category": "경영", "period": "상시", "target": "소상공인"})
    notice_id = created.headers["Location"].rsplit("/", 1)[1]
    assert notice_id.startswith("CENTER_")
    staff.post(f"/console/notices/{notice_id}", {"title": "센터 디지털 교육 (2차)",
                                                 "category": "경영", "period": "상시"})
    store = app.extensions["bot"].services.notices
    assert store.get(notice_id).title == "센터 디지털 교육 (2차)"
    assert "센터 디지털 교육 (2차)" in staff.text(staff.get("/console/notices?q=디지털"))
    staff.post(f"/console/notices/{notice_id}/hide", {"hidden": "1"})
    assert store.get(notice_id).hidden


def test_a_notice_without_a_title_is_refused_in_korean(app, staff):
    refused = staff.post("/console/notices/new", {"title": " ", "category": "경영"})
    assert refused.status_code == 422
    text = staff.text(refused)
    assert "공고를 넣지 않았어요: 공고에 제목을 적어 주세요." in text
    assert "needs a title" not in text


def test_import_from_bizinfo_shows_its_progress(make_app, http):
    app = make_app(env={"BIZINFO_API_KEY": "test-key", "BIZINFO_PAUSE": "0"})
    http.add(responses.GET, re.compile(r"https://www\.bizinfo\.go\.kr/.*"), json={
        "jsonArray": [{"pblancId": "PBLN_000000000000001", "pblancNm": "소상공인 수출 지원",
                       "reqstBeginEndDe": "2026-11-01 ~ 2026-12-31", "totCnt": 1}]})
    staff = Console(app)
    staff.login("lee", "staff")
    staff.post("/console/notices/import", {"pages": "1"})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        progress = staff.text(staff.get("/console/notices/import"))
        if "끝났어요" in progress:
            break
        time.sleep(0.1)
    assert "끝났어요: 새 공고 1" in progress
    assert app.extensions["bot"].services.notices.get("PBLN_000000000000001")


# -- broadcasts ------------------------------------------------------------------------------
@pytest.fixture
def broadcast_app(make_app):
    # No quiet hours (start == end): the test sends now, whatever the time of day.
    app = make_app(env={"BROADCAST_INLINE": "1", "BROADCAST_RATE": "0",
                          "BROADCAST_QUIET_START": "00:00", "BROADCAST_QUIET_END": "00:00"})
    notice_fixture.install(app).put({"id": "N-2026-001", "title": "소상공인 디지털 전환 지원",
                                     "category": "기술", "deadline": "2026-12-31"})
    return app


def test_compose_preview_and_send_a_dry_run(broadcast_app):
    app = broadcast_app
    chat = Chat(app)
    chat.say("처음으로")  # seen as a channel friend
    staff = Console(app)
    staff.login("lee", "staff")
    made = staff.post("/console/broadcasts", {"notice": "N-2026-001",
                                              "test_users": chat.user_id})
    bid = made.headers["Location"].rsplit("/", 1)[1]
    plan = staff.get(f"/console/broadcasts/{bid}")
    text = staff.text(plan)
    assert "받는 사람 1명" in text and "17원 = 1명 × 15원 × 1.1" in text
    assert "소상공인 디지털 전환 지원" in text and 'data-kind="' in plan.get_data(as_text=True)
    refused = staff.post(f"/console/broadcasts/{bid}/send", follow_redirects=True)
    assert "확인했어요" in staff.text(refused)
    staff.post(f"/console/broadcasts/{bid}/send", {"confirm": "yes"})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        progress = staff.get(f"/console/broadcasts/{bid}/progress").get_data(as_text=True)
        if 'data-status="done"' in progress:
            break
        time.sleep(0.1)
    assert 'aria-valuenow="100"' in progress and 'data-status="done"' in progress
    assert [e.action for e in app.extensions["console"].audit.recent(5)][:2] == [
        "broadcast.send", "broadcast.create"]


def test_cancelling_a_cancelled_broadcast_is_refused_in_korean(broadcast_app):
    app = broadcast_app
    chat = Chat(app)
    chat.say("처음으로")
    bid = app.extensions["bot"].services.broadcasts.create(
        "N-2026-001", test_users=[chat.user_id])["id"]
    staff = Console(app)
    staff.login("lee", "staff")
    first = staff.post(f"/console/broadcasts/{bid}/cancel", follow_redirects=True)
    assert "발송을 취소했어요." in staff.text(first)
    again = staff.text(staff.post(f"/console/broadcasts/{bid}/cancel", follow_redirects=True))
    assert f"취소하지 않았어요: 발송 {bid}은(는) 이미 '취소' 상태예요." in again
    assert "already" not in again


@pytest.mark.parametrize(("wallet_business", "prepare", "said"), [
    ("", None, "센터 월렛 사업자등록번호(BROADCAST_WALLET_BUSINESS)가 설정되지 않았어요"),
    ("12345", None, "BROADCAST_WALLET_BUSINESS에 적힌 값이 사업자등록번호가 아니에요"),
    ("120-81-47521", None, "그 사업자등록번호의 월렛을 찾지 못했어요"),
    ("120-81-47521", "suspended", "센터 월렛이 사용중지 상태예요"),
])
def test_the_centre_wallet_beside_a_broadcast_is_explained_in_korean(
        make_app, wallet_business, prepare, said):
    app = make_app(env={"BROADCAST_WALLET_BUSINESS": wallet_business})
    svc = app.extensions["bot"].services
    if prepare:
        svc.wallet.credit_free("1208147521", 300_000)
        svc.wallet.activate("1208147521")
        svc.wallet.set_status("1208147521", prepare.upper())
    notice_fixture.install(app).put({"id": "N-2026-001", "title": "소상공인 디지털 전환 지원",
                                     "category": "기술", "deadline": "2026-12-31"})
    chat = Chat(app)
    chat.say("처음으로")
    bid = svc.broadcasts.create("N-2026-001", test_users=[chat.user_id])["id"]
    staff = Console(app)
    staff.login("lee", "staff")
    page = staff.text(staff.get(f"/console/broadcasts/{bid}"))
    assert said in page
    assert not any(english in page for english in ("is not set", "look-up", "wallet is"))


# -- applications -----------------------------------------------------------------------------
@pytest.fixture
def receipt(app):
    freeze(app)
    chat = Chat(app)
    fill(chat)
    return chat.tap("제출하기").context["receipt"]


def test_staff_approve_and_mark_paid_with_masked_data(app, staff, receipt):
    page = staff.text(staff.get(f"/console/applications/{receipt}"))
    assert "120-81-*****" in page and "1208147521" not in page and "010-****-1357" in page
    staff.post(f"/console/applications/{receipt}/status", {"action": "approve"})
    assert apps.store_of(app.extensions["bot"].services).get(receipt).status == "approved"
    staff.post(f"/console/applications/{receipt}/status", {"action": "paid"})
    stored = apps.store_of(app.extensions["bot"].services).get(receipt)
    assert stored.status == "paid" and stored.history[-1].by == "lee"
    status = Chat(app).say("신청 현황", skill="apply-status")
    assert status.template == "apply/status" and "지급 완료" in status.text


def test_admins_see_the_business_number_in_full(app, receipt):
    admin = Console(app)
    admin.login("boss", "admin")
    assert "1208147521" in admin.text(admin.get(f"/console/applications/{receipt}"))


def test_a_rejection_needs_a_reason(app, staff, receipt):
    refused = staff.post(f"/console/applications/{receipt}/status", {"action": "reject"},
                         follow_redirects=True)
    assert "반려 사유를 적어 주세요" in staff.text(refused)
    staff.post(f"/console/applications/{receipt}/status",
               {"action": "reject", "reason": "개인 월렛이에요"})
    stored = apps.store_of(app.extensions["bot"].services).get(receipt)
    assert stored.status == "rejected" and stored.reject_reason == "개인 월렛이에요"


def test_the_queue_filters_and_exports_csv_for_excel(app, staff, receipt):
    assert receipt in staff.text(staff.get("/console/applications?status=received"))
    assert receipt not in staff.text(staff.get("/console/applications?status=approved"))
    export = staff.get("/console/applications.csv")
    body = export.data.decode("utf-8")
    assert body.startswith("\ufeffreceipt,") and receipt in body
    assert "120-81-*****" in body and "1208147521" not in body
    assert export.headers["Content-Disposition"].startswith("attachment;")


def test_a_step_the_lifecycle_does_not_allow_is_refused_in_korean(app, staff, receipt):
    refused = staff.post(f"/console/applications/{receipt}/status", {"action": "paid"},
                         follow_redirects=True)
    text = staff.text(refused)
    assert (f"바꾸지 않았어요: {receipt}은(는) 지금 '접수' 상태라 '지급 완료'(으)로 "
            "바꿀 수 없어요.") in text
    assert "cannot become" not in text and "received" not in text
    assert apps.store_of(app.extensions["bot"].services).get(receipt).status == "received"


# -- accounts ----------------------------------------------------------------------------------
@pytest.fixture
def admin(app) -> Console:
    console = Console(app)
    console.login("boss", "admin")
    return console


def test_account_refusals_are_said_in_korean(app, admin):
    admin.add_user("kim", "operator")
    taken = admin.text(admin.post("/console/users", {
        "username": "kim", "role": "staff", "password": "another-password-1"},
        follow_redirects=True))
    assert "계정을 만들지 않았어요: 'kim' 계정이 이미 있어요." in taken
    assert "exists already" not in taken
    short = admin.text(admin.post("/console/users", {
        "username": "lee", "role": "staff", "password": "short"}, follow_redirects=True))
    assert "비밀번호는 10자 이상이어야 해요." in short and "characters" not in short
    last = admin.text(admin.post("/console/users/boss/role", {"role": "staff"},
                                 follow_redirects=True))
    assert "역할을 바꾸지 않았어요: 마지막 관리자 계정이에요." in last
    self_removal = admin.text(admin.post("/console/users/boss/remove", follow_redirects=True))
    assert "자기 계정은 지울 수 없어요." in self_removal
    moved = admin.text(admin.post("/console/users/kim/role", {"role": "staff"},
                                  follow_redirects=True))
    assert "kim의 역할을 직원(으)로 바꿨어요." in moved


# -- stats ---------------------------------------------------------------------------------
def test_stats_show_the_funnel_faq_and_skill_outcomes(app, staff, receipt):
    app.extensions["bot"].pipeline.budget = 10.0  # a busy machine must not turn this into 'busy'
    chat = Chat(app, "u-stats")
    chat.say("법인도 신청 되나요?")
    chat.say("헬스장 회원권 양도 방법")
    app.extensions["console_stats"].flush()
    page = staff.get("/console/stats")
    text = staff.text(page)
    assert "지원금 신청서" in text and "<svg" in page.get_data(as_text=True)
    assert "바로 답함 1" in text
    assert re.search(r"fallback \d+", text)


def test_a_broadcast_page_opened_mid_send_follows_the_progress(broadcast_app):
    app = broadcast_app
    chat = Chat(app)
    chat.say("처음으로")
    service = app.extensions["bot"].services.broadcasts
    bid = service.create("N-2026-001", test_users=[chat.user_id])["id"]
    staff = Console(app)
    staff.login("lee", "staff")
    assert 'hx-trigger="every 1s"' not in staff.get(f"/console/broadcasts/{bid}").get_data(
        as_text=True)  # a draft has nothing to follow
    service.store.update(bid, status="sending")
    page = staff.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert f'hx-get="/console/broadcasts/{bid}/progress" hx-trigger="every 1s"' in page
