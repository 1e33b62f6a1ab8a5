"""Which clauses of a merchant's message ask (bot/faq/parts.py): whether-clauses spelled
'-ㄴ 건지', alternatives, and the case told beside a question."""

from __future__ import annotations

from bot.faq import parts


def test_a_clause_ending_in_geonji_asks():
    assert parts.is_question("지원금이 통장으로 들어오는 건지")
    assert parts.is_question("그 시간에 맞춰 보낼 수 있을지")


def test_two_whether_clauses_side_by_side_are_one_question():
    said = "무상캐시는 현금으로 바꿔 주는 건지 메시지에만 쓰는 건지 헷갈려요"
    assert parts.split(said) == [said]
    assert len(parts.split("법인 가게도 되는 건지 아니면 개인만 되는 건지 궁금해요")) == 1


def test_whether_clauses_joined_by_and_or_asking_what_stay_two():
    assert len(parts.split("법인도 되는지, 그리고 간이과세자도 되는지 알려주세요")) == 2
    assert len(parts.split("얼마까지 받는지, 언제 들어오는지 궁금해요")) == 2


def test_a_statement_beside_a_plain_question_is_told_not_asked():
    pieces = parts.split("가게는 떡집이에요. 아직 월렛이 없어요. 월렛은 누가 만들어요?")
    assert parts.questions(pieces) == [False, False, True], pieces


def test_a_statement_alone_still_asks():
    assert parts.questions(["캐시가 아직 없어요"]) == [True]


def test_a_thing_asked_as_geoyeyo_is_no_statement():
    # "무료로 주는 거예요" asks about a fact; "카페예요" tells.
    assert not parts.tells("무료로 주는 거예요")
    assert parts.tells("동네 카페예요")
    assert parts.tells("채널이 아직 없어요")


def test_a_case_said_twice_is_judged_where_it_stands():
    text = "연매출 4억 꽃집이고요. 옆 가게도 연매출 4억 꽃집이고요, 그리고 둘 다 신청되나요?"
    piece = "연매출 4억 꽃집이고요"
    assert not parts.states_then_asks(piece, text)
    assert parts.states_then_asks(piece, text, text.index("옆"))


def test_a_question_brought_in_by_geurigo_is_said_to_be_another():
    text = "한 번 받으면 그걸로 끝이에요? 그리고 접수는 아무 때나 돼요?"
    assert parts.follows_conjunction(text, text.index("접수"))
    assert not parts.follows_conjunction(text, text.index("한 번"))


def test_a_question_asked_politely_asks():
    assert parts.is_question("캐시가 언제 사라지는 건지도 함께 알고 싶습니다")
    assert parts.is_question("어디서 확인하는지 알려 주시면 감사하겠습니다")
    assert parts.is_question("충전한 돈은 돌려받는 건지 궁금하고요")


def test_a_whether_clause_then_a_short_question_about_it_is_one_question():
    said = "무상캐시로 뭘 살 수 있는 건지 범위가 어디까지예요"
    assert parts.split(said) == [said]
