"""The 기업마당 importer: every payload shape, paging, de-dupe/update, reqErr, bad items, CLI."""

from __future__ import annotations

from datetime import date

import pytest
import requests
from responses import matchers

from bot.notices import bizinfo
from bot.notices.store import NoticeError, NoticeStore, Query
from tests.support.notice_fixtures import (
    DOC_ITEM,
    EXPORT_ITEM,
    FUND_ITEM,
    NOW,
    SMALL_ITEM,
    documented,
    item,
    live_array,
    single_object,
    wrapped_array,
)

URL = bizinfo.DEFAULT_URL
TODAY = date(2026, 8, 20)


@pytest.fixture
def feed_app(make_app):
    """An app with a bizinfo key (so no sample notices) and no pause between pages."""
    app = make_app(env={"BIZINFO_API_KEY": "test-key", "BIZINFO_PAUSE": "0",
                          "BIZINFO_PAGE_SIZE": "3"})
    app.extensions["bot"].services.clock = lambda: NOW
    return app


@pytest.fixture
def store(feed_app) -> NoticeStore:
    return feed_app.extensions["bot"].services.notices


def page(index: int, body: dict, status: int = 200) -> dict:
    """Keyword arguments for http.get answering one page of the feed."""
    return {"json": body, "status": status, "match": [matchers.query_param_matcher(
        {"crtfcKey": "test-key", "dataType": "json", "pageIndex": str(index)},
        strict_match=False)]}


@pytest.mark.parametrize("envelope", [documented, live_array, wrapped_array])
def test_every_envelope_shape_yields_the_same_items(envelope):
    found = bizinfo.extract(envelope([DOC_ITEM, SMALL_ITEM]))
    assert [i["pblancId"] for i in found.items] == [DOC_ITEM["pblancId"], SMALL_ITEM["pblancId"]]
    assert found.total == 1435


def test_a_single_item_object_and_string_totals_are_read():
    found = bizinfo.extract(single_object(SMALL_ITEM))
    assert [i["pblancId"] for i in found.items] == [SMALL_ITEM["pblancId"]]
    assert found.total == 3  # "3" as a string
    assert bizinfo.extract({"jsonArray": []}).items == []


@pytest.mark.parametrize("body", [{"reqErr": "인증키를 입력해주세요."},
                                  {"reqErr": "존재하지 않는 인증키 입니다."},
                                  {"unexpected": 1}, ["not", "an", "object"]])
def test_errors_and_junk_raise_bizinfo_error(body):
    with pytest.raises(bizinfo.BizinfoError):
        bizinfo.extract(body)


def test_the_documented_item_is_parsed_field_by_field():
    notice = bizinfo.parse_item(DOC_ITEM)
    assert notice.id == "PBLN_000000000080236" and notice.title.startswith("착한임대인")
    assert (notice.start, notice.end, notice.period_kind) == ("2022-07-27", "2022-09-30", "dated")
    assert notice.category == "경영" and notice.ministry == "중소벤처기업부"
    assert notice.regions == ("충북", "대전")
    assert notice.targets == ("중소기업",)  # the summary mentions 소상공인, the target does not
    assert notice.status(TODAY) == "closed"


def test_a_current_item_is_cleaned_up():
    notice = bizinfo.parse_item(SMALL_ITEM)
    assert notice.url == ("https://www.bizinfo.go.kr/web/lay1/bbs/S1T122C128/AS/74/view.do"
                          "?pblancId=PBLN_000000000112001")
    assert notice.apply_url == "https://www.sbiz24.kr"
    assert "<" not in notice.summary and "&#" not in notice.summary
    assert "지원합니다." in notice.summary and "· 지원내용: 키오스크, 서빙로봇 등" in notice.summary
    assert "(국비 70%)" in notice.summary
    assert notice.hashtags[-1] == "소상공인" and notice.regions == ()  # 전국
    assert notice.targets[0] == "소상공인" and notice.for_small_merchants
    assert (notice.start, notice.end) == ("2026-08-10", "2026-08-31")


def test_free_text_periods_and_joined_categories():
    fund = bizinfo.parse_item(FUND_ITEM)
    assert fund.period_kind == "always" and fund.end is None and fund.status(TODAY) == "always"
    assert fund.category == "금융" and fund.regions == ("서울",)
    assert fund.summary == "서울 소재 소상공인에게 경영안정자금 대출을 지원합니다."
    export = bizinfo.parse_item(EXPORT_ITEM)
    assert export.period_kind == "tbd" and export.status(TODAY) == "tbd"
    assert export.score > fund.score  # 추후 공지 after 상시


@pytest.mark.parametrize("bad", [item(DOC_ITEM, pblancId=None), item(DOC_ITEM, pblancNm=""),
                                 item(DOC_ITEM, pblancId="../../etc"), "a string", None])
def test_unusable_items_raise_notice_error(bad):
    with pytest.raises(NoticeError):
        bizinfo.parse_item(bad)


def test_import_pages_until_the_total_and_pauses_between_calls(feed_app, store, http):
    page_one = [item(SMALL_ITEM, totCnt="5"), item(FUND_ITEM, totCnt="5"),
                item(EXPORT_ITEM, totCnt="5")]
    page_two = [item(DOC_ITEM, totCnt="5"),
                item(SMALL_ITEM, pblancId="PBLN_000000000112009", pblancNm="둘째 장 공고",
                     totCnt="5")]
    http.get(URL, **page(1, live_array(page_one)))
    http.get(URL, **page(2, documented(page_two)))
    pauses: list[float] = []
    client = bizinfo.BizinfoClient("test-key", URL)
    importer = bizinfo.Importer(client, store, page_size=3, pause=1.5, sleep=pauses.append)
    result = importer.run()
    assert (result.new, result.updated, result.skipped, result.errors, result.pages) == \
        (5, 0, 0, 0, 2)
    assert pauses == [1.5]  # one pause, between the two calls
    assert len(http.calls) == 2 and all(c.request.req_kwargs["timeout"] == (5.0, 20.0)
                                        for c in http.calls)
    assert store.count() == 5


def test_reimport_dedupes_updates_changes_and_keeps_staff_hiding(feed_app, store, http):
    importer = bizinfo.Importer(bizinfo.BizinfoClient("test-key", URL), store, page_size=10,
                                pause=0)
    http.get(URL, **page(1, live_array([SMALL_ITEM, FUND_ITEM, SMALL_ITEM])))
    first = importer.run()
    assert (first.new, first.unchanged) == (2, 1)  # the repeated item is stored once
    store.set_hidden(FUND_ITEM["pblancId"], True)
    http.replace("GET", URL, **page(1, live_array([
        item(SMALL_ITEM, pblancNm="2026년 소상공인 스마트상점 기술보급사업 2차 모집 (기간 연장)",
             reqstBeginEndDe="2026-08-10 ~ 2026-09-15"), FUND_ITEM])))
    second = importer.run()
    assert (second.new, second.updated, second.unchanged) == (0, 1, 1)
    updated = store.get(SMALL_ITEM["pblancId"])
    assert updated.end == "2026-09-15" and "기간 연장" in updated.title
    assert store.get(FUND_ITEM["pblancId"]).hidden  # the import did not un-hide it
    assert store.query(Query(), TODAY) == [SMALL_ITEM["pblancId"]]


def test_a_malformed_item_among_good_ones_is_skipped_and_counted(feed_app, store, http):
    broken = [SMALL_ITEM, {"pblancNm": "아이디 없는 공고"}, "garbage", FUND_ITEM]
    http.get(URL, **page(1, wrapped_array(broken)))
    result = bizinfo.Importer(bizinfo.BizinfoClient("test-key", URL), store, pause=0).run(pages=1)
    assert (result.new, result.skipped, result.errors) == (2, 2, 0)


def test_req_err_and_timeouts_stop_the_import_as_errors(feed_app, store, http):
    client = bizinfo.BizinfoClient("test-key", URL)
    importer = bizinfo.Importer(client, store, page_size=3, pause=0)
    http.get(URL, json={"reqErr": "존재하지 않는 인증키 입니다."})
    result = importer.run()
    assert (result.errors, result.new, result.pages) == (1, 0, 0)
    assert "존재하지 않는 인증키" in result.problems[0]
    http.replace("GET", URL, body=requests.ReadTimeout())
    assert importer.run().errors == 1
    http.replace("GET", URL, body="<html>점검 중</html>", status=503)
    assert "503" in importer.run().problems[0]


def test_cli_import_prints_a_summary_with_category_and_pages(feed_app, store, http):
    http.get(URL, **page(1, live_array([item(SMALL_ITEM, totCnt=99), FUND_ITEM, "bad"])))
    http.get(URL, **page(2, live_array([EXPORT_ITEM])))
    result = feed_app.test_cli_runner().invoke(
        args=["notices", "import", "--category", "금융", "--pages", "2"])
    assert result.exit_code == 0, result.output
    assert "새 공고 3건" in result.output and "건너뜀 1건" in result.output
    assert "오류 0건" in result.output
    assert all(c.request.params["searchLclasId"] == "01" for c in http.calls)
    assert len(http.calls) == 2  # --pages 2 although the total says 99


def test_cli_import_reports_errors_and_needs_a_key(feed_app, make_app, http):
    http.get(URL, json={"reqErr": "인증키를 입력해주세요."})
    result = feed_app.test_cli_runner().invoke(args=["notices", "import"])
    assert result.exit_code == 1 and "오류 1건" in result.output
    assert "기업마당이 요청을 거절했어요" in result.output and "[bizinfo.refused]" in result.output
    bad = feed_app.test_cli_runner().invoke(args=["notices", "import", "--category", "여행"])
    assert bad.exit_code == 2
    assert "'여행'은(는) 기업마당에 없는 분야예요. [notice.unknown_category]" in bad.output
    keyless = make_app().test_cli_runner().invoke(args=["notices", "import"])
    assert keyless.exit_code == 2 and keyless.output == (
        "✗ BIZINFO_API_KEY가 설정되지 않아 기업마당에서 가져올 수 없어요. [notices.no_api_key]\n")
