"""Merchants reading notices through the Chat helper: carousel, filters, paging, detail, alerts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.notices import bizinfo
from bot.notices import service as notices_service
from bot.notices.service import SAMPLE_FILE
from bot.notices.store import from_fields, load_samples
from tests.support.notice_fixtures import DOC_ITEM, EXPORT_ITEM, FUND_ITEM, NOW, SMALL_ITEM, item

TODAY = date(2026, 8, 20)


@pytest.fixture
def services(app):
    services = app.extensions["bot"].services
    services.clock = lambda: NOW
    return services


@pytest.fixture
def store(services):
    """The store with the samples (deadlines from TODAY) and four bizinfo notices."""
    store = services.notices
    load_samples(store, str(SAMPLE_FILE), TODAY)
    for raw in (SMALL_ITEM, FUND_ITEM, EXPORT_ITEM, DOC_ITEM):
        store.put(bizinfo.parse_item(raw))
    return store


def ids_of(said) -> list[str]:
    return [n["id"] for n in said.context["notices"]]


def test_the_carousel_lists_open_notices_small_merchants_first_soonest_first(chat, store):
    said = chat.say("지원사업 공고 보여줘")
    assert said.template == "notices/list"
    ctx = said.context
    assert ctx["total"] == 11  # 8 samples + 3 open bizinfo notices; the 2022 one is closed
    listed = ids_of(said)
    assert listed == ["SAMPLE_SEOUL_08", "SAMPLE_CONSULT_07", "PBLN_000000000112001",
                      "SAMPLE_MARKET_03", "SAMPLE_SMART_02"]  # D-7, D-10, D-11, D-14, D-21
    first = ctx["notices"][0]
    assert (first["dday"], first["category"]) == ("D-7", "내수")
    assert first["agency"] == "서울신용보증재단"
    assert len(said.cards) == 5
    assert said.cards[0]["buttons"][0]["extra"] == {"notice_id": "SAMPLE_SEOUL_08"}
    assert said.quick_replies[:3] == ["다음 공고", "분야 선택", "지역 선택"]


def test_paging_walks_to_the_end_with_상시_after_dated_and_other_targets_last(chat, store):
    chat.say("공고")
    second = chat.tap("다음 공고")
    assert second.context["page"] == 2
    third = chat.say("다음 공고")  # typed: the session remembers the listing
    assert third.context["page"] == 3 and not third.context["has_more"]
    pages = [chat.say("공고"), second, third]
    everything = [n for said in pages for n in said.context["notices"]]
    assert len({n["id"] for n in everything}) == 11
    assert everything[-1]["id"] == "PBLN_000000000112003"  # 중소기업-only, 추후 공지: last
    statuses = [n["status"] for n in everything]
    assert statuses.index("always") > max(i for i, s in enumerate(statuses) if s == "open")
    assert "다음 공고" not in third.quick_replies


def test_category_filter_by_quick_reply_and_typed(chat, store):
    menu = chat.say("공고 분야 선택")
    assert menu.template == "notices/pick_category"
    assert menu.quick_replies[:3] == ["전체 분야", "금융", "기술"] and len(menu.quick_replies) == 10
    said = chat.tap("금융")
    assert said.context["category"] == "금융"
    assert set(ids_of(said)) == {"SAMPLE_FUND_01", "PBLN_000000000112002"}
    assert ids_of(chat.say("기술 공고")) == ["PBLN_000000000112001", "SAMPLE_SMART_02"]
    assert chat.tap("전체 공고").context["total"] == 11


def test_the_region_is_remembered_beyond_the_session(chat, store, app):
    assert chat.say("공고 지역 선택").template == "notices/pick_region"
    more = chat.tap("다른 지역")
    assert "제주" in more.quick_replies and "서울" not in more.quick_replies
    busan = chat.say("부산 공고")
    assert busan.context["region"] == "부산"
    assert "SAMPLE_SEOUL_08" not in ids_of(busan) and busan.context["total"] == 9
    app.extensions["bot"].services.sessions.clear(chat.user_id)  # the session expired
    later = chat.say("지원사업 공고")
    assert later.context["region"] == "부산" and later.context["total"] == 9
    seoul = chat.say("서울특별시 공고")
    assert seoul.context["region"] == "서울" and seoul.context["total"] == 11
    assert ids_of(seoul)[0] == "SAMPLE_SEOUL_08"
    assert chat.as_user("u-other").say("공고").context["region"] == ""  # per merchant


def test_nothing_matching_offers_other_filters(chat, store):
    said = chat.say("메타버스 공고")
    assert said.template == "notices/empty" and said.context["q"] == "메타버스"
    assert "전체 공고" in said.quick_replies
    jeju = chat.say("제주 공고")  # only nationwide notices, and the region chip to widen
    assert jeju.context["total"] == 9 and "SAMPLE_SEOUL_08" not in ids_of(jeju)
    nationwide = chat.say("전국 공고")
    assert nationwide.context["region"] == "전국" and nationwide.context["total"] == 11


def test_empty_store_says_so(chat, services):
    assert chat.say("지원사업 공고").template == "notices/empty"


def test_detail_explains_the_notice_in_plain_words(chat, store):
    chat.say("공고")
    said = chat.say("공고 상세 PBLN_000000000112001", extra={"notice_id": "PBLN_000000000112001"})
    assert said.template == "notices/detail"
    ctx = said.context
    assert ctx["status"] == "open" and ctx["dday"] == "D-11" and ctx["end"] == "2026-08-31"
    assert ctx["phone"] == "042-363-7000" and ctx["target"] == "소상공인"
    assert "<" not in ctx["what"] and "&#" not in ctx["what"]
    urls = [b.get("webLinkUrl") for b in said.buttons]
    assert urls[:2] == ["https://www.bizinfo.go.kr/web/lay1/bbs/S1T122C128/AS/74/view.do"
                        "?pblancId=PBLN_000000000112001", "https://www.sbiz24.kr"]
    assert said.buttons[2]["action"] == "phone"
    for heading in ("무엇을 지원하나요", "누가 신청할 수 있나요", "언제까지 신청하나요",
                    "어떻게 신청하나요", "어디에 문의하나요"):
        assert heading in said.text
    assert said.quick_replies[0] == "공고 목록"


def test_detail_by_the_notice_skill_and_for_상시_notices(chat, store):
    said = chat.say("자세히 보기", skill="notice", extra={"notice_id": "SAMPLE_FUND_01"})
    assert said.template == "notices/detail"
    assert said.context["status"] == "always" and said.context["dday"] == ""
    assert said.context["sample"] is True
    assert chat.say("목록", skill="notice").template == "notices/list"


def test_closed_notices_say_so_and_offer_no_application_link(chat, store):
    said = chat.say("공고 상세 PBLN_000000000080236")
    assert said.context["closed"] is True and said.context["status"] == "closed"
    assert "⛔" in said.text
    labels = [b["label"] for b in said.buttons]
    assert "공고 원문 보기" in labels and "접수하러 가기" not in labels


def test_hidden_and_unknown_notices_are_not_shown(chat, store):
    store.set_hidden("SAMPLE_FUND_01", True)
    assert chat.say("공고 상세 SAMPLE_FUND_01").template == "notices/not_found"
    assert chat.say("공고 상세 PBLN_999999999999999").template == "notices/not_found"
    assert "SAMPLE_FUND_01" not in ids_of(chat.say("금융 공고"))


@pytest.mark.parametrize("text, expected", [
    ("정책자금 공고", {"SAMPLE_FUND_01"}),
    ("대출 지원 있어?", {"SAMPLE_FUND_01", "PBLN_000000000112002"}),
    ("교육 지원사업 있나요", {"SAMPLE_EDU_04", "SAMPLE_SMART_02", "SAMPLE_RESTART_05"}),
    ("라이브커머스 공고", {"SAMPLE_MARKET_03"}),
])
def test_keyword_search_from_free_text(chat, store, text, expected):
    said = chat.say(text)
    assert said.template == "notices/list"
    assert set(ids_of(said)) == expected


def test_a_bare_topic_word_reaches_the_search_through_the_fallback(chat, store):
    said = chat.say("수출")
    assert said.template == "notices/list" and said.context["category"] == "수출"
    assert ids_of(said) == ["SAMPLE_EXPORT_06", "PBLN_000000000112003"]
    assert chat.say("교육").context["q"] == "교육"
    assert chat.say("오늘 날씨 어때").template == "fallback/unknown"


def test_search_paging_keeps_the_words(chat, app, store):
    services = app.extensions["bot"].services
    services.features = replace(services.features, notices=replace(services.features.notices,
                                                                   page_size=2))
    first = chat.say("교육 공고")
    assert first.context["q"] == "교육" and first.context["has_more"]
    second = chat.tap("다음 공고")
    assert second.context["q"] == "교육" and second.context["page"] == 2
    assert set(ids_of(first) + ids_of(second)) == {"SAMPLE_EDU_04", "SAMPLE_SMART_02",
                                                   "SAMPLE_RESTART_05"}


def test_subscribe_with_consent_then_stop(chat, store, app):
    subs = app.extensions["bot"].services.subscriptions
    chat.say("경기 공고")  # the remembered region goes into the subscription
    offer = chat.say("알림 받기")
    assert offer.template == "notices/subscribe" and offer.context["region"] == "경기"
    assert offer.quick_replies[:2] == ["모든 분야 동의", "금융"]
    assert subs.get(chat.user_id) is None  # nothing is stored before consent
    done = chat.tap("금융")
    assert done.template == "notices/subscribed"
    sub = subs.get(chat.user_id)
    assert sub.active and sub.categories == ("금융",) and sub.regions == ("경기",)
    assert sub.source == "notices" and sub.consent_at == NOW == done.context["consent_at"]
    chat.say("기술 알림 받기 동의")  # typed; adds a 분야
    assert subs.get(chat.user_id).categories == ("금융", "기술")
    assert [s.user_id for s in subs.matching("금융", "경기")] == [chat.user_id]
    assert list(subs.matching("금융", "부산")) == []
    off = chat.say("알림 끄기")
    assert off.template == "notices/unsubscribed" and off.context["was_subscribed"] is True
    assert subs.get(chat.user_id).active is False
    assert chat.say("알림 끄기").context["was_subscribed"] is False


def test_subscribe_to_everything(chat, store, app):
    chat.say("알림 받기")
    chat.tap("모든 분야 동의")
    sub = app.extensions["bot"].services.subscriptions.get(chat.user_id)
    assert sub.categories == () and sub.regions == ()


def test_a_3000_character_summary_renders_within_kakao_limits(chat, store):
    sentence = "이 사업은 소상공인의 디지털 전환과 온라인 판로 개척을 돕기 위해 마련되었습니다. "
    long_html = "<p>" + "</p><p>".join([sentence] * 75) + "</p>"
    assert len(long_html) > 3000
    store.put(bizinfo.parse_item(item(SMALL_ITEM, pblancId="PBLN_000000000199999",
                                      pblancNm="아주 긴 공고 " + "제목" * 60,
                                      bsnsSumryCn=long_html,
                                      reqstMthPapersCn="온라인 접수. " * 80,
                                      refrncNm="문의 " * 120)))
    said = chat.say("공고 상세 PBLN_000000000199999")  # strict config: a violation would raise
    assert said.template == "notices/detail" and said.status == 200
    what = said.context["what"]
    assert len(what) <= 450 and what.endswith("마련되었습니다.")  # cut at a sentence end
    assert said.context["what_cut"] is True
    assert all(len(o["simpleText"]["text"]) <= 1000 for o in said.outputs if "simpleText" in o)
    listed = chat.say("라이브커머스 디지털 공고")
    assert all(len(c["title"]) <= 50 for c in listed.cards)


def test_samples_are_loaded_on_first_use_only_without_a_key_and_when_empty(config, make_app):
    app = make_app(REDIS_PREFIX="dgseed")
    services = app.extensions["bot"].services
    services.config = {**services.config, "TESTING": False}  # tests' apps seed nothing …
    notices_service.init_app(app, services)  # … so install the store the way production does
    store = services.notices
    assert services.redis.scard(services.keys.notice_ids()) == 0  # nothing before the first use
    assert store.count() == 8 and store.get("SAMPLE_FUND_01").source == "sample"
    store.delete("SAMPLE_FUND_01")
    notices_service.init_app(app, services)
    assert services.notices.count() == 7  # not empty: nothing reloaded
    services.redis.flushdb()
    services.features = replace(services.features, notices=replace(services.features.notices,
                                                                   bizinfo_key="real-key"))
    notices_service.init_app(app, services)
    assert services.notices.count() == 0


def test_sample_deadlines_follow_the_load_date(services):
    record = {"id": "X_1", "title": "t", "deadline_in_days": 21, "opened_days_ago": 10}
    notice = from_fields(record, source="sample", today=TODAY)
    assert (notice.start, notice.end) == ("2026-08-10", "2026-09-10")
    later = replace(notice, end="2026-08-19")
    assert later.status(TODAY) == "closed"


def test_typed_opt_out_variants_reach_the_notices_skill(chat, app):
    services = app.extensions["bot"].services
    for text in ("알림 꺼줘", "알림 그만 받을래요"):
        services.subscriptions.subscribe(chat.user_id, now=services.clock(), source="notices")
        said = chat.say(text)
        assert said.template.startswith("notices/"), (text, said.templates)
        assert services.subscriptions.get(chat.user_id).active is False


def test_a_typed_number_after_the_list_opens_that_notice(chat, store):
    listed = ids_of(chat.say("지원사업 공고"))
    said = chat.say("2번 자세히 보여주세요")
    assert said.context_of("notices/detail")["id"] == listed[1]
    assert chat.say("세 번째 공고").context_of("notices/detail")["id"] == listed[2]


def test_자세히_without_a_number_asks_which_and_a_tap_opens_it(chat, store):
    listed = ids_of(chat.say("지원사업 공고"))
    said = chat.say("자세히 보기")
    assert said.template == "notices/which"
    assert said.quick_replies[:2] == ["1번 공고", "2번 공고"]
    assert chat.tap("2번 공고").context_of("notices/detail")["id"] == listed[1]
    assert chat.say("9번").template == "notices/which"  # only five were shown


def test_a_list_reference_needs_a_list_and_a_bare_reference(chat, store):
    assert chat.say("2번 자세히").template != "notices/detail"  # no list shown yet
    chat.say("지원사업 공고")
    said = chat.say("월렛 만드는 법 자세히 알려주세요")  # a question, not a list reference
    assert said.template not in ("notices/detail", "notices/which")


def test_one_notice_shown_opens_without_asking(chat, store):
    said = chat.say("희망리턴패키지 공고")
    assert len(ids_of(said)) == 1
    assert chat.say("자세히").context_of("notices/detail")["id"] == ids_of(said)[0]


def test_a_typed_yes_to_the_alerts_offer_subscribes_to_every_분야(chat, services, store):
    assert chat.say("알림 받을래요").template == "notices/subscribe"
    said = chat.say("동의합니다")
    assert said.template == "notices/subscribed" and said.context["categories"] == []
    assert services.subscriptions.get(chat.user_id).active


def test_a_분야_typed_after_the_offer_or_a_chip_label_typed_subscribes_to_it(chat, services,
                                                                        store):
    chat.say("알림 받을래요")
    assert chat.say("금융").context["categories"] == ["금융"]
    assert chat.as_user("u-other").say("모든 분야 동의").template == "notices/subscribed"


def test_something_else_after_the_offer_is_read_as_if_never_asked(chat, services, store):
    chat.say("알림 받을래요")
    said = chat.say("오늘 날씨 어때")
    assert said.template == "fallback/unknown"
    assert services.subscriptions.get(chat.user_id) is None
    assert chat.say("네").template != "notices/subscribed"  # the offer is no longer open


# -- the notice just shown is the subject (issue #11) ------------------------------------------
def _open(chat, notice_id):
    said = chat.say(f"공고 상세 {notice_id}", extra={"notice_id": notice_id})
    assert said.context_of("notices/detail")["id"] == notice_id
    return said


@pytest.mark.parametrize(("text", "aspect", "shown"), [
    ("라이브커머스가 뭔데요", "what", "라이브커머스 방송"),
    ("이거 쉽게 설명좀", "what", "온라인에서 더 많이 팔 수 있도록"),
    ("저도 신청되나요 이거", "who", "소상공인"),
    ("마감 언제에요?", "when", "D-14"),
    ("어떻게 신청해요?", "how", "소상공인24"),
    ("문의는 어디로 해요", "contact", "1357"),
])
def test_questions_right_after_a_notice_are_answered_from_it(chat, store, text, aspect, shown):
    _open(chat, "SAMPLE_MARKET_03")
    said = chat.say(text)
    assert said.template == "notices/about", said.templates
    assert said.context["id"] == "SAMPLE_MARKET_03" and said.context["aspect"] == aspect
    assert shown in said.text
    assert "공고 자세히 보기" in said.quick_replies


def test_the_next_few_questions_keep_the_notice_and_it_fades(chat, store, services):
    _open(chat, "SAMPLE_MARKET_03")
    for text in ("저도 신청되나요 이거", "마감 언제에요?", "이거 쉽게 설명좀"):
        assert chat.say(text).context["id"] == "SAMPLE_MARKET_03"
    later = NOW + 3600
    services.clock = lambda: later  # an hour on, "이거" no longer means that notice
    assert chat.say("마감 언제에요?").template != "notices/about"


def test_a_faq_question_after_a_notice_still_reaches_the_faq(chat, store):
    _open(chat, "SAMPLE_MARKET_03")
    said = chat.say("무상캐시 유효기간이 언제까지예요?")
    assert said.template == "faq/cash_expiry", said.templates


def test_after_a_list_a_question_about_the_deadlines_answers_for_the_list(chat, store):
    listed = ids_of(chat.say("지원사업 공고"))
    said = chat.say("마감 언제에요?")
    assert said.template == "notices/about_list", said.templates
    assert [n["id"] for n in said.context["notices"]] == listed and said.context["aspect"] == "when"
    assert "D-7" in said.text


def test_after_a_list_an_ordinal_with_a_colloquial_ending_opens_that_notice(chat, store):
    listed = ids_of(chat.say("지원사업 공고"))
    assert chat.say("세번째꺼 자세히").context_of("notices/detail")["id"] == listed[2]


@pytest.mark.parametrize("text", ["부산", "부산이요", "부산 지역"])
def test_a_region_typed_after_a_list_filters_it(chat, store, text):
    chat.say("지원사업 공고")
    said = chat.say(text)
    assert said.template == "notices/list" and said.context["region"] == "부산"


def test_a_menu_word_typed_after_a_list_opens_that_menu(chat, store):
    chat.say("지원사업 공고")
    assert chat.say("지역 선택").template == "notices/pick_region"
    chat.say("지원사업 공고")
    assert chat.say("분야 선택").template == "notices/pick_category"


@pytest.mark.parametrize(("text", "categories"), [
    ("금융이랑 내수요", ["금융", "내수"]), ("금융, 수출", ["금융", "수출"]),
    ("기술하고 인력 그리고 창업", ["기술", "인력", "창업"]),
])
def test_several_분야_named_after_the_offer_subscribe_to_all(chat, services, store, text,
                                                          categories):
    chat.say("알림 받을래요")
    said = chat.say(text)
    assert said.template == "notices/subscribed"
    assert said.context["categories"] == categories
    assert list(services.subscriptions.get(chat.user_id).categories) == categories


def test_the_count_reads_naturally_for_one_notice_and_a_last_page_of_one(chat, store):
    one = chat.say("희망리턴패키지 공고")
    assert one.context["total"] == 1
    assert "1~1" not in one.text and "1건 있어요" in one.text
    chat.say("공고")
    chat.say("다음 공고")
    last = chat.say("다음 공고")
    assert (last.context["first"], last.context["last"]) == (11, 11)
    assert "11~11" not in last.text and "11건 중 마지막 11번째예요" in last.text
