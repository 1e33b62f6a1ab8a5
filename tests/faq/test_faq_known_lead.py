"""Where the FAQ used to hesitate with the right entry on top: a known lead is answered, and a
question of a message that the message's own answer covers is not asked back."""

from __future__ import annotations

from bot.faq import situation
from bot.faq.match import Hit


# -- a known lead (Bands.known_*) ------------------------------------------------------------
def test_a_question_the_leading_entry_knows_is_answered_not_suggested(chat):
    # Just under the clear-winner score, but ahead and worded with the entry's own words.
    said = chat.say("메시지 아래 버튼에 넣는 글자는 최대 몇 자예요?")
    assert said.templates[0] == "faq/format_text"
    assert "faq_ui/suggest" not in said.templates


def test_a_short_question_with_a_vague_lead_still_gets_suggestions(chat):
    said = chat.say("지원금 얼마나 줘요")
    assert said.template == "faq_ui/suggest"


def _situated(app, text: str, hits: list[Hit]) -> str:
    faq = app.extensions["bot"].services.faq
    snapshot = faq.kb.snapshot(wait=True)
    query = snapshot.index.query(text)
    band, _ = faq.situated(snapshot, hits, situation.Verdicts(),
                           snapshot.index.says_enough(query), query)
    return band


def test_a_known_lead_needs_a_lead_a_covering_entry_and_enough_words(app):
    asked = "메시지 아래 버튼에 넣는 글자는 최대 몇 자예요?"  # format_text knows most of it
    assert _situated(app, asked, [Hit("format_text", 0.31), Hit("search_id", 0.25)]) == "high"
    # Neck and neck: the merchant picks.
    assert _situated(app, asked, [Hit("format_text", 0.31), Hit("search_id", 0.28)]) == "medium"
    # An entry that knows few of the words does not lead, however far ahead.
    assert _situated(app, asked, [Hit("refund", 0.31), Hit("search_id", 0.23)]) == "medium"
    # Two words are too few to stand on ("버튼 글자?").
    assert _situated(app, "버튼 글자", [Hit("format_text", 0.31), Hit("search_id", 0.23)]) == (
        "medium")


def test_below_the_low_band_the_lead_must_be_wider(app):
    asked = "메시지 아래 버튼에 넣는 글자는 최대 몇 자예요?"
    assert _situated(app, asked, [Hit("format_text", 0.25), Hit("search_id", 0.16)]) == "high"
    assert _situated(app, asked, [Hit("format_text", 0.25), Hit("search_id", 0.19)]) == "low"
    assert _situated(app, asked, [Hit("format_text", 0.18), Hit("search_id", 0.05)]) == "low"


def test_a_short_question_below_the_low_band_stays_declined(app):
    # Four words: enough beside the suggestions, too few where nothing was offered.
    asked = "버튼 글자 수 제한"
    assert _situated(app, asked, [Hit("format_text", 0.25), Hit("search_id", 0.1)]) == "low"


# -- several questions in one message ----------------------------------------------------------
def test_a_question_the_other_answer_covers_is_not_asked_back(chat):
    # The first question is unsure on its own, but its best entry is the one the second
    # question gets: one answer, not "두 가지를 물어보셨네요".
    said = chat.say("채널 친구 적은 게 고민이에요 친구 늘리는 방법이 있을까요? 손님들이 추가를 안 해요")
    assert said.templates[0] == "faq/get_friends"
    assert "faq_ui/multi" not in said.templates


def test_an_unclear_question_beside_a_different_answer_is_still_offered(chat):
    said = chat.say("세금계산서는 언제 나와요? 그리고 그거 말고 다른 건 어떻게 되나요?")
    assert said.templates == ["faq_ui/multi"]

