"""FAQ conversations where a confident answer would be wrong: close topics the channel does
not answer, several questions of which only some are clear, and the message splitter."""

from __future__ import annotations

import os
import shutil

import pytest

from bot.core.config import ROOT
from bot.faq import parts
from bot.faq.match import Bands
from tests.conftest import TEST_TEMPLATES


# -- close topics the channel does not answer (templates/faq_outside.yaml) ---------------
@pytest.mark.parametrize("text", [
    "부가세 신고는 몇 월에 해야 돼요?",
    "배달앱 수수료 좀 낮출 방법 없나요",
    "가게 카드 단말기가 먹통이에요",
    "종소세 신고 대신 해 주실 수 있어요?",
])
def test_a_close_topic_is_declined_not_answered(chat, text):
    said = chat.say(text)
    assert not any(t.startswith("faq/") for t in said.templates)
    assert said.templates[0].startswith("fallback/")


def test_the_program_words_inside_those_topics_still_answer(chat):
    assert chat.say("메시지 요금에 부가세 별도인가요").templates[0] == "faq/price_vat"
    assert chat.say("충전하면 세금계산서 나와요?").templates[0].startswith("faq/tax_invoice")


def test_a_declined_close_topic_is_still_logged_for_operators(chat, app):
    chat.say("배달앱 수수료 좀 낮출 방법 없나요")
    groups = app.extensions["bot"].services.faq.unanswered.top(10)
    assert any("배달앱" in row[0] for row in groups)


# -- several questions, not all clear ------------------------------------------------------
def test_one_clear_and_one_unclear_question_offers_both_instead_of_half_an_answer(chat):
    said = chat.say("세금계산서는 언제 나와요? 그리고 그거 말고 다른 건 어떻게 되나요?")
    assert said.templates == ["faq_ui/multi"]
    assert said.text.startswith("두 가지를 물어보셨네요")
    # the clear one, to tap: either tax-invoice entry says when it is issued
    assert {"계산서 발행 시기", "세금계산서 발행"} & set(said.quick_replies)


def test_every_clear_question_is_still_answered(chat):
    said = chat.say("법인도 되나요? 그리고 신청은 어디서 해요?")
    assert {"faq/eligibility_corporate", "faq/apply_where"} <= set(said.templates)


# -- the splitter ------------------------------------------------------------------------
def _pieces(text: str) -> list[str]:
    return [d for p in parts.split(text) for d in parts.distribute(p)]


def test_a_choice_between_two_words_is_one_question():
    assert _pieces("사업자번호 가운데 숫자 보면 법인인지 개인인지 나와요?") == [
        "사업자번호 가운데 숫자 보면 법인인지 개인인지 나와요?"]


@pytest.mark.parametrize("text", ["매출은 부가세 신고 기준이에요 종소세 기준이에요?",
                                  "이 번호면 개인이에요 법인이에요?"])
def test_a_choice_between_two_said_the_same_way_is_one_question(text):
    assert _pieces(text) == [text]


def test_two_what_questions_said_the_same_way_stay_two():
    assert len(_pieces("무상캐시는 뭐예요 유상캐시는 뭐예요?")) == 2


def test_a_trailing_please_tell_me_joins_its_question():
    pieces = _pieces("한 번에 얼마인지 한 달이면 얼마가 드는지 알려주세요")
    assert pieces[-1].endswith("알려주세요") and len(pieces) == 2


def test_a_comma_after_go_still_splits():
    assert len(_pieces("광고 표시는 어떻게 해야 하고, 수신거부는 어떻게 받아요?")) == 2


@pytest.mark.parametrize("text", ["신청은 아무때나 가능한건가여", "이게 뭔지 모르겟어요"])
def test_phone_spellings_of_question_endings_are_questions(text):
    assert parts.is_question(text)


def test_not_this_but_that_is_one_clause():
    assert _pieces("대표님 말고 점장이 대신 월렛 만들어도 돼요?") == [
        "대표님 말고 점장이 대신 월렛 만들어도 돼요?"]


@pytest.mark.parametrize("text", ["심사에서 뭘 봐요", "사진 넣으면 더 비싼지도 궁금하고"])
def test_a_question_word_inside_or_a_wondering_and_asks(text):
    assert parts.is_question(text)


@pytest.mark.parametrize("text", ["휴대폰으로 뭘 하는 게 서툰데요", "매출도 얼마 없구요"])
def test_a_story_sentence_with_a_question_word_does_not_ask(text):
    assert not parts.is_question(text)


def test_a_question_word_inside_the_first_question_keeps_it_from_being_dropped(chat):
    said = chat.say("광고 메시지에는 뭘 붙이고 밤에는 몇 시까지 보내요")
    # Two questions: never the night rule alone with the (광고) label left unsaid.
    assert said.templates != ["faq/ad_night", "faq_ui/more"]
    assert "faq/ad_label" in said.templates or "(광고) 표시" in said.quick_replies


# -- a suggestion whose entry knows every word of the question ----------------------------
def test_an_entry_that_holds_every_word_of_the_question_answers_it(chat):
    said = chat.say("엑셀 손님 명단 올려서 메시지 보내는 법")
    assert said.templates[0] == "faq/customer_file"  # not three chips


def test_words_no_entry_knows_keep_a_near_miss_a_suggestion(chat, app):
    index = app.extensions["bot"].services.faq.kb.snapshot().index
    assert index.coverage(index.query("엑셀 손님 명단 올리기"), "customer_file") == 1.0
    assert index.coverage(index.query("배민 광고비 지원"), "usage") < Bands.covered
    said = chat.say("배민 광고비도 지원돼요?")
    assert not any(t.startswith("faq/") for t in said.templates)


# -- operators edit the outside topics -----------------------------------------------------
def _check_with_outside(tmp_path, make_app, text: str):
    root = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "faq", root / "faq")
    shutil.copy(ROOT / "templates" / "settings.yaml", root / "settings.yaml")
    (root / "faq_outside.yaml").write_text(text, encoding="utf-8")
    app = make_app(TEMPLATES_DIR=os.pathsep.join([str(root), str(ROOT / "templates"),
                                                  str(TEST_TEMPLATES)]))
    return app.test_cli_runner().invoke(args=["faq", "check"])


def test_faq_check_names_a_program_example_an_outside_topic_takes(tmp_path, make_app):
    result = _check_with_outside(tmp_path, make_app, (
        "outside:\n  - name: 세금\n    examples:\n      - 부가세 별도예요\n"
        "      - 부가세 별도인가요\n      - 메시지 요금에 부가세 별도\n"))
    assert result.exit_code == 1
    assert "faq_outside.yaml의 다루지 않는 주제에 더 가까울 수도 있어요" in result.output
    assert "[faq.example_unmatched]" in result.output


def test_faq_check_names_a_broken_outside_file(tmp_path, make_app):
    result = _check_with_outside(tmp_path, make_app, "outside:\n  - name: 세금\n")
    assert result.exit_code == 1
    assert ("✗ faq_outside.yaml: 다루지 않는 주제 '세금'에 예시 질문(examples)이 없어요. "
            "[words.topic_no_examples]") in result.output
