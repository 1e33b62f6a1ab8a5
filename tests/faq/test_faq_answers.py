"""FAQ conversations: the merchant's own case, several questions at once, dialect, and
unanswered questions turned into work for operators."""

from __future__ import annotations

import os
import shutil

import pytest

from bot.core.config import ROOT
from bot.faq import knowledge as faq
from tests.conftest import TEST_TEMPLATES


def service(app):
    """The installed FAQ service."""
    return app.extensions["bot"].services.faq


# -- the merchant's situation -------------------------------------------------------
def test_a_revenue_within_the_line_gets_a_verdict_then_the_rule(chat):
    said = chat.say("작년 매출 9억 8천인데 돼요?")
    assert said.templates[0] == "faq_situation/revenue"
    assert "9억 8천만 원이면 대상이에요 — 기준은 연매출 10억 원 이하" in said.text
    assert "최종 지원 여부" in said.text  # the entry's rule follows: never a promise


def test_a_revenue_over_the_line_is_told_so(chat):
    said = chat.say("매출 11억 좀 넘는데 신청 가능한가요")
    assert "11억 원이면 기준(연매출 10억 원 이하)을 넘어서 대상이 아니에요" in said.text


def test_a_months_revenue_is_judged_on_the_year_with_the_arithmetic_shown(chat):
    said = chat.say("우리 빵집 한 달 매출이 7,900만원쯤인데 신청 돼요?")
    assert said.templates[:2] == ["faq_situation/revenue", "faq/eligibility_revenue"]
    assert "월 7,900만 원 × 12 = 연 9억 4,800만 원이면 대상이에요" in said.text
    said = chat.as_user("u-2").say("매달 구천이백씩 들어오는 식당인데 대상이에요?")
    assert "월 9,200만 원 × 12 = 연 11억 400만 원이면 기준(연매출 10억 원 이하)을 넘어서" in (
        said.text)
    assert "연 9,200만 원" not in said.text  # never a verdict on the month itself


def test_the_plain_rule_without_an_amount(chat):
    said = chat.say("연매출 얼마 이하면 돼요")
    assert said.templates[0] == "faq/eligibility_revenue"
    assert "이면 대상이에요" not in said.text


def test_opening_and_business_type(chat):
    assert "개업한 지 2개월이면 대상이에요" in chat.say("개업 두 달 됐는데 받을 수 있나요").text
    said = chat.as_user("u-2").say("간이과세자도 신청 되나요")
    assert "간이과세자도 개인 사업자라 대상이에요" in said.text


def test_a_time_since_applying_is_not_read_as_a_new_business(chat):
    said = chat.say("신청한 지 두 달 됐는데 아직 소식이 없어요")
    assert "faq_situation/opening" not in said.templates
    assert "faq/eligibility_new_business" not in said.templates  # no "신규도 돼요" answer
    said = chat.as_user("u-2").say("개업한 지 두 달 됐는데 신청할 수 있어요?")
    assert said.templates[0] == "faq_situation/opening"


def test_a_business_type_the_sources_do_not_cover_is_handed_off(chat):
    said = chat.say("비영리 단체도 지원 대상인가요")
    assert "대상이에요" not in said.text.split("\n")[0]
    assert any(b["action"] == "operator" for b in said.buttons)


def test_a_budget_is_counted_in_messages(chat):
    said = chat.say("5만원 충전하면 메시지 몇 건 보낼 수 있어요")
    assert "5만 원이면" in said.text and "일반 메시지 3,030건" in said.text
    assert "타겟 메시지 2,272건" in said.text


def test_a_friend_count_and_a_budget_give_the_cost_and_the_number_of_sends(chat):
    said = chat.say("친구가 800명이에요. 한 번 보내는 데 얼마고, 30만원이면 몇 번 보낼 수 있어요?")
    assert said.templates[0] == "faq_situation/budget"  # answered whole, not split in three
    assert "13,200원" in said.text and "22번" in said.text and "9,600원이 남아요" in said.text


def test_the_grant_named_with_a_friend_count_gives_sends_with_vat_and_without(chat):
    said = chat.say("채널 친구는 1,500명인데 지원금으로 전체 메시지 몇 회 보내요?")
    assert said.templates[0] == "faq_situation/budget"
    assert "24,750원" in said.text and "12번" in said.text  # 1,500 × 15원 × 1.1, 30만 원에
    assert "22,500원씩이면 13번" in said.text  # without VAT: whether it is taken is 미확인


def test_a_friend_count_said_in_words_or_dialect_gets_the_cost(chat):
    said = chat.say("친구가 삼천인디 한 번 쏘면 얼마여")
    assert "faq_situation/cost" in said.templates and "49,500원" in said.text
    said = chat.as_user("u-2").say("친구 두 명한테 시험으로 보내 보면 부가세 붙여 얼마 나가요")
    assert "친구 2명에게 한 번 보내면 일반 메시지는 33원" in said.text


def test_several_counts_are_priced_each_and_added_up_or_compared(chat):
    said = chat.say("친구 180명 전체한테 일반으로 한 번 보내고, 그중 단골 60명한테만 "
                    "타겟으로 쿠폰을 한 번 더 보내면 합쳐서 얼마예요?")
    assert said.templates[0] == "faq_situation/cost"
    assert "2,970원" in said.text and "1,320원" in said.text and "합치면 4,290원" in said.text
    said = chat.say("친구가 천 명인데 다 보내는 거랑 단골 200명만 타겟으로 보내는 거 가격 차이가 "
                    "얼마나 나요?")
    assert "16,500원" in said.text and "4,400원" in said.text and "차이는 12,100원" in said.text


def test_sends_repeated_are_priced_as_often_as_they_go_out(chat):
    said = chat.say("다음 달에 친구 600명 모두에게 세 번 보내고 단골 100명한테는 타겟으로 한 번 "
                    "보내려는데 다 합쳐 얼마예요?")
    assert "친구 600명에게 일반 메시지 3번: 29,700원" in said.text  # 600 × 15원 × 1.1 × 3
    assert "합치면 31,900원" in said.text


def test_a_sending_rhythm_gets_its_monthly_and_yearly_cost(chat):
    said = chat.say("친구 150명한테 한 달에 4번씩 1년 동안 일반 메시지 보내면 총 얼마 들어요?")
    assert "한 달에 4번이면 9,900원, 12개월이면 118,800원" in said.text


def test_a_price_asked_beside_another_question_is_computed_too(chat):
    said = chat.say("친구 300명한테 저녁 7시 반에 할인 메시지 보내면 얼마 들고, 그 시간에 "
                    "보내도 괜찮아요?")
    assert said.templates[:2] == ["faq_situation/send_time", "faq_situation/cost"]
    assert "4,950원" in said.text and "8시 50분" in said.text


def test_a_count_without_a_price_asked_gets_no_cost(chat):
    said = chat.say("매출 9억 8천이고 개인사업자예요. 채널 친구는 40명뿐인데 이래도 신청 되나요?")
    assert "faq_situation/cost" not in said.templates and "660원" not in said.text


def test_a_business_number_in_a_question_is_checked_and_never_echoed_whole(chat):
    said = chat.say("305-91-45123 이 번호 맞는 번호예요? 그리고 개인이에요 법인이에요?")
    assert said.templates[0] == "faq_situation/bizno"  # one verdict answers both questions
    assert "305-91-*****" in said.text and "45123" not in said.text
    assert "맞는 번호예요" in said.text and "개인 면세사업자" in said.text
    said = chat.as_user("u-2").say("409-33-01275 이거 유효한 번호 맞나여? 입력하면 튕겨요")
    assert "검증번호가 맞지 않아요" in said.text


def test_a_business_number_and_whether_it_is_an_individuals_are_one_check(chat):
    said = chat.say("214-86-11112 이 번호 맞는지, 개인사업자 번호인지도 봐 주세요")
    assert said.templates[0] == "faq_situation/bizno"
    assert "214-86-*****" in said.text and "영리법인 본점" in said.text
    assert "faq/eligibility_individual" not in said.templates


def test_a_bare_business_number_to_check_is_checked(chat):
    said = chat.say("214-86-11112 진짜 있는 번호 맞는지 봐줄래요")
    assert said.templates[0] == "faq_situation/bizno" and "검증번호가 맞지 않아요" in said.text


def test_a_corporate_registration_number_is_checked_never_echoed(chat):
    said = chat.say("법인등록번호가 284611-0123451 인데 틀린 건지 봐 주세요")
    assert "faq_situation/bizno" in said.templates
    assert "284611-*******" in said.text and "0123451" not in said.text
    assert "검증번호가 맞지 않아요" in said.text


def test_the_middle_digits_asked_about_get_their_meaning(chat):
    said = chat.say("사업자번호 가운데 80은 어떤 경우에 나와요?")
    assert said.templates[0] == "faq_situation/bizno" and "다단계판매원" in said.text


def test_a_send_time_is_checked_against_both_night_windows(chat):
    said = chat.say("밤 11시에 할인 광고 보내도 돼요?")
    assert "밤 11시(23:00)에는 광고 메시지를 보낼 수 없어요" in said.text
    said = chat.as_user("u-2").say("저녁 8시 55분에 광고 보내도 되나요")
    assert "카카오는 저녁 8시 50분부터" in said.text and "법은 밤 9시부터" in said.text
    said = chat.as_user("u-3").say("오후 3시에 광고 보내도 돼요?")
    assert "오후 3시(15:00)에는 광고 메시지를 보내셔도 돼요" in said.text


def test_an_ambiguous_time_gets_the_rule_not_a_verdict(chat):
    said = chat.say("9시에 광고 보내도 되나요")
    assert "오전인지 저녁인지에 따라 달라요" in said.text


# -- the basic questions --------------------------------------------------------------
@pytest.mark.parametrize("text", ["신청 어떻게 해요?", "신청 어떻게 하나요", "신청 가능한가요",
                                  "신청은 어떻게 해요"])
def test_how_to_apply_never_lands_on_re_application(chat, text):
    said = chat.say(text)
    assert "faq/receive_again" not in said.templates


# -- several questions in one message -----------------------------------------------
def test_a_second_question_about_the_same_thing_is_answered_with_the_first(chat):
    said = chat.say("무상캐시 유효기간이 있나요? 안 쓰면 사라지는 건가요?")
    assert said.template == "faq/cash_expiry", said.templates  # one answer, not two chips


def test_a_short_question_about_what_was_just_asked_goes_with_it(chat):
    said = chat.say("연매출이 정확히 10억이면요? 이하에 포함되는 거죠?")
    assert said.templates[:2] == ["faq_situation/revenue", "faq/eligibility_revenue"]
    assert "faq_ui/multi" not in said.templates


def test_a_question_of_its_own_is_not_taken_for_more_about_the_last(chat):
    said = chat.say("이거 한 번 받으면 끝인가요? 그리고 신청 창구는 아무 때나 열려 있어요?")
    assert said.templates != ["faq/receive_again"]  # the second question is not dropped


def test_an_amount_told_in_passing_does_not_make_the_question_a_price_one(chat):
    said = chat.say("유상캐시 3만원 충전해 둔 게 있는데 무상캐시 들어오면 어떤 게 먼저 쓰여요?")
    assert "faq/free_before_paid" in said.templates
    assert "faq_situation/budget" not in said.templates
    said = chat.as_user("u-2").say("10만원이면 메시지 몇 건 보내요?")
    assert said.templates[0] == "faq_situation/budget"  # asked: computed


def test_two_questions_get_two_answers(chat):
    said = chat.say("법인도 되나요? 그리고 신청은 어디서 해요?")
    assert "faq/eligibility_corporate" in said.templates
    assert "faq/apply_where" in said.templates
    assert len(said.outputs) <= 3


def test_questions_joined_by_go_are_answered_each(chat):
    said = chat.say("카드로 충전 되나요 세금계산서도 나와요?")
    answered = [t for t in said.templates if t.startswith("faq/")]
    assert len(answered) == 2 and "세금계산서" in said.text and "카드" in said.text


def test_a_long_story_ending_in_a_question_answers_the_question(chat):
    said = chat.say("저는 시장에서 이십 년째 떡집을 하고 있는데요 요즘 손님이 줄어서 걱정이 많아요 "
                    "그래서 카카오 채널을 해 보려고 하는데 월렛은 어떻게 만드나요")
    assert "faq/wallet_create" in said.templates


def test_a_part_on_a_topic_the_channel_does_not_answer_is_named(chat):
    said = chat.say("무상캐시 환불 되나요? 그리고 간판 교체는 어디서 해요?")
    assert "faq/refund" in said.templates or "faq/cash_no_exchange" in said.templates
    assert "faq_ui/unclear" in said.templates and "'간판 교체는 어디서 해요?'" in said.text


def test_the_follow_up_memory_still_works(chat):
    chat.say("개인사업자도 받을 수 있나요")
    said = chat.say("그럼 법인은요?")
    assert "faq/eligibility_corporate" in said.templates


# -- dialect ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, entry", [
    ("간이과세자도 되능교", "eligibility_individual"),
    ("이거 누가 받을랑가", "eligibility"),
    ("법인도 되는겨", "eligibility_corporate"),
    ("밤에 광고 보내믄 안되나", "ad_night"),
    ("채널은 어떵 맹글어요?", "channel_open"),  # Jeju 어떵, Jeolla 맹글다
])
def test_dialect_endings_are_understood(chat, text, entry):
    assert f"faq/{entry}" in chat.say(text).templates


# -- unanswered questions become work -----------------------------------------------
def test_similar_unanswered_questions_are_grouped(app, runner):
    log = service(app).unanswered
    for text in ("간판 교체 비용 지원돼요", "간판 교체 비용도 지원되나요", "간판교체비용 지원",
                 "배달앱 수수료 지원 있어요", "배달앱 수수료도 지원해줘요"):
        log.record(text, 1_800_000_000)
    groups = faq.group_unanswered(log.top(50), service(app).kb.snapshot().index)
    assert [g.count for g in groups] == [3, 2]
    assert all("간판" in e for e in groups[0].examples)
    result = runner.invoke(args=["faq", "unanswered"])
    assert result.exit_code == 0 and "    3  " in result.output and "    2  " in result.output


def test_a_form_answer_is_not_logged_as_a_question(chat, app):
    for text in ("김철수", "010-1234-5678", "1208147521", "a@b.kr"):
        chat.say(text)
    assert service(app).unanswered.top(10) == []


def test_attach_adds_the_question_to_the_entry_and_it_answers(tmp_path, make_app):
    root = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "faq", root / "faq")
    shutil.copy(ROOT / "templates" / "settings.yaml", root / "settings.yaml")
    app = make_app(TEMPLATES_DIR=os.pathsep.join([str(root), str(ROOT / "templates"),
                                                  str(TEST_TEMPLATES)]))
    question = "채널 배경사진 바꾸면 돈 드나요"
    service(app).unanswered.record(question, 1.0)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["faq", "attach", question, "is_free"])
    assert result.exit_code == 0, result.output
    assert f"✓ is_free.yaml에 예시로 더했어요: {question}" in result.output
    text = (root / "faq" / "is_free.yaml").read_text(encoding="utf-8")
    assert f'- "{question}"' in text and text.startswith("#")  # comments kept
    assert service(app).unanswered.top(10) == []
    twice = runner.invoke(args=["faq", "attach", question, "is_free"])
    assert twice.exit_code == 1
    assert f"✗ '{question}'은(는) 이미 is_free 항목의 예시예요" in twice.output
    missing = runner.invoke(args=["faq", "attach", "아무거나", "no_such_entry"])
    assert missing.exit_code == 1 and "'no_such_entry' 항목이 없어요" in missing.output
    snapshot = faq.KnowledgeBase(service(app).kb.store).snapshot()
    assert question in snapshot.entries["is_free"].examples


def test_faq_check_names_an_unknown_situation(tmp_path, make_app):
    root = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "faq", root / "faq")
    shutil.copy(ROOT / "templates" / "settings.yaml", root / "settings.yaml")
    path = root / "faq" / "ad_night.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "situations: [send_time]", "situations: [send_hour]"), encoding="utf-8")
    app = make_app(TEMPLATES_DIR=os.pathsep.join([str(root), str(ROOT / "templates"),
                                                  str(TEST_TEMPLATES)]))
    result = app.test_cli_runner().invoke(args=["faq", "check"])
    assert result.exit_code == 1
    assert "faq.situations의 'send_hour'은(는) 모르는 상황이에요" in result.output


# -- a clear winner, and the support-notice sites (§3) --------------------------------
def test_a_question_worded_unlike_any_example_is_answered_when_one_entry_stands_out(chat):
    said = chat.say("충전해 둔 캐시가 남았는데 폐업하면 돌려받을 수 있나요")
    assert said.templates[0] == "faq/refund"  # not "혹시 이런 질문인가요?" with three chips


def test_where_to_find_support_and_whom_to_call(chat):
    assert "1357" in chat.say("소진공 콜센터 번호 좀 알려 주세요").text
    said = chat.as_user("u-2").say("정부 지원사업 공고 한꺼번에 보는 사이트 있어요?")
    assert said.templates[0] == "faq/bizinfo_what" and "bizinfo.go.kr" in said.text
    said = chat.as_user("u-3").say("번호 형식이 맞으면 폐업 안 한 거예요?")
    assert said.templates[0] == "faq/bizno_status" and "국세청" in said.text
