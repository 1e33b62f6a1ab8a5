"""Notice text clean-up, periods, the store's indexes, the broadcast read API and the staff CLI."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.notices import bizinfo
from bot.notices.store import (
    LISTING_SECONDS,
    NoticeStore,
    Query,
    clip,
    notice_context,
    parse_period,
    phone_in,
    strip_html,
)
from tests.support.notice_fixtures import FUND_ITEM, NOW, SMALL_ITEM

TODAY = date(2026, 8, 20)


@pytest.mark.parametrize("text, expected", [
    ("20220727 ~ 20220930", ("dated", "2022-07-27", "2022-09-30")),
    ("2026-08-07 ~ 2026-08-12", ("dated", "2026-08-07", "2026-08-12")),
    ("2026.8.7 10:00 ~ 2026.8.12 18:00", ("dated", "2026-08-07", "2026-08-12")),
    ("~ 2026-09-30", ("dated", None, "2026-09-30")),
    ("2026-09-01 ~", ("always", "2026-09-01", None)),
    ("상시", ("always", None, None)),
    ("예산 소진 시까지", ("always", None, None)),
    ("추후 공지", ("tbd", None, None)),
    ("사업별 상이", ("tbd", None, None)),
    ("20261340 ~ 20261399", ("tbd", None, None)),  # impossible dates are not dates
    (None, ("tbd", None, None)),
])
def test_periods_in_every_format(text, expected):
    assert parse_period(text) == expected


def test_html_is_stripped_and_entities_decoded():
    assert strip_html("<p>가&#40;나&#41;</p><br/>다&nbsp;라") == "가(나)\n다 라"
    assert strip_html("&lt;b&gt;굵게&lt;/b&gt; &amp;#46;") == "굵게 ."
    assert strip_html(None) == ""


def test_clip_prefers_sentence_ends_and_never_exceeds_the_limit():
    text = "첫 문장입니다. 둘째 문장도 있어요. 셋째는 아주 길게 이어지는 문장이라서 중간에 잘립니다"
    assert clip(text, 25) == "첫 문장입니다. 둘째 문장도 있어요."
    cut = clip("가" * 30 + " " + "나" * 30, 40)
    assert len(cut) <= 40 and cut.endswith("…")
    assert clip("짧아요", 10) == "짧아요"


def test_phone_numbers_in_contacts():
    assert phone_in("창업진흥원 042-720-4561") == "042-720-4561"
    assert phone_in("소상공인시장진흥공단 콜센터 1357") == "1357"
    assert phone_in("KOTRA 1600-7119") == "1600-7119"
    assert phone_in("2026년 공고 담당") == ""


def test_the_broadcast_read_api(app):
    services = app.extensions["bot"].services
    store: NoticeStore = services.notices
    store.put(bizinfo.parse_item(SMALL_ITEM))
    notice = store.get("PBLN_000000000112001")
    assert notice.title.startswith("2026년 소상공인") and notice.category == "기술"
    context = notice_context(notice, TODAY)
    assert context == store.context(notice, TODAY)
    assert context["dday"] == "D-11" and context["url"].startswith("https://www.bizinfo.go.kr/")
    assert store.get("nope/../x") is None and store.get("PBLN_404") is None


def test_region_and_category_indexes_and_delete(app):
    store: NoticeStore = app.extensions["bot"].services.notices
    store.put(bizinfo.parse_item(SMALL_ITEM))
    store.put(bizinfo.parse_item(FUND_ITEM))
    assert store.query(Query(region="부산"), TODAY) == ["PBLN_000000000112001"]
    assert store.query(Query(region="서울"), TODAY) == ["PBLN_000000000112001",
                                                       "PBLN_000000000112002"]
    assert store.query(Query(category="금융"), TODAY) == ["PBLN_000000000112002"]
    assert store.query(Query(), date(2026, 9, 1)) == ["PBLN_000000000112002"]  # 8/31 passed
    assert store.delete("PBLN_000000000112002") and not store.delete("PBLN_000000000112002")
    leftovers = [k for k in store.redis.scan_iter("*112002*")]
    assert leftovers == []
    assert store.redis.sismember(store.keys.notice_category("금융"), "PBLN_000000000112002") == 0


def test_a_listing_is_reused_briefly_and_a_write_here_shows_at_once(app):
    services = app.extensions["bot"].services
    now = [100.0]
    mine = NoticeStore(services.redis, services.keys, clock=lambda: now[0])
    other = NoticeStore(services.redis, services.keys)  # another process's store
    mine.put(bizinfo.parse_item(SMALL_ITEM))
    assert mine.query(Query(region="서울"), TODAY) == ["PBLN_000000000112001"]
    assert [n.category for n in mine.many(["PBLN_000000000112001"])] == ["기술"]

    other.put(bizinfo.parse_item(FUND_ITEM))  # written elsewhere: not seen for a moment
    other.set_hidden("PBLN_000000000112001", True)
    assert mine.query(Query(region="서울"), TODAY) == ["PBLN_000000000112001"]
    now[0] += LISTING_SECONDS  # then the next listing reads Redis again
    assert mine.query(Query(region="서울"), TODAY) == ["PBLN_000000000112002"]
    assert mine.many(["PBLN_000000000112001"])[0].hidden

    mine.set_hidden("PBLN_000000000112001", False)  # written here: the very next listing
    assert mine.query(Query(region="서울"), TODAY) == ["PBLN_000000000112001",
                                                      "PBLN_000000000112002"]
    assert mine.all()[0].hidden is False


NOTICE_YAML = """\
title: 센터 자체 카카오톡 채널 활용 교육
agency: 단골 만들기 지원센터
category: 경영
target: 소상공인
summary: <p>채널 메시지 보내는 법을 함께 배워요.</p>
period: 2026-08-25 ~ 2026-09-05
how: 센터 카카오톡 채널에서 신청
contact: 단골 만들기 지원센터
url: https://example.org/notice/1
regions: [서울]
"""


@pytest.fixture
def cli(app):
    app.extensions["bot"].services.clock = lambda: NOW
    return app.test_cli_runner()


def test_staff_add_edit_hide_delete_and_list(cli, app, tmp_path):
    store: NoticeStore = app.extensions["bot"].services.notices
    path = tmp_path / "notice.yaml"
    path.write_text(NOTICE_YAML, encoding="utf-8")
    added = cli.invoke(args=["notices", "add", "--file", str(path)])
    assert added.exit_code == 0, added.output
    said = re.fullmatch(r"공고 (CENTER_20260820_[0-9a-f]{6})을\(를\) 넣었어요.\n", added.output)
    assert said, added.output
    notice_id = said.group(1)
    notice = store.get(notice_id)
    assert notice.source == "manual" and notice.regions == ("서울",) and notice.end == "2026-09-05"
    assert notice.summary == "채널 메시지 보내는 법을 함께 배워요."
    assert notice.status(TODAY) == "upcoming"

    change = tmp_path / "change.yaml"
    change.write_text("period: 상시\ncategory: 기술\n", encoding="utf-8")
    assert cli.invoke(args=["notices", "edit", notice_id, "--file", str(change)]).exit_code == 0
    edited = store.get(notice_id)
    assert edited.period_kind == "always" and edited.category == "기술"
    assert edited.title == "센터 자체 카카오톡 채널 활용 교육"  # untouched fields stay
    assert store.query(Query(category="경영"), TODAY) == []  # re-indexed
    assert store.query(Query(category="기술"), TODAY) == [notice_id]

    hidden = cli.invoke(args=["notices", "hide", notice_id])
    assert hidden.exit_code == 0 and f"공고 {notice_id}을(를) 숨겼어요." in hidden.output
    assert store.query(Query(), TODAY) == []
    listing = cli.invoke(args=["notices", "list"]).output.splitlines()
    assert listing[0] == "아이디\t상태\t마감\t분야\t제목"
    assert listing[1] == f"{notice_id}\t숨김\t상시\t기술\t센터 자체 카카오톡 채널 활용 교육"
    assert listing[-1] == "공고 1건"
    assert "공고 0건" in cli.invoke(args=["notices", "list", "--open"]).output
    shown = cli.invoke(args=["notices", "hide", notice_id, "--undo"])
    assert shown.exit_code == 0 and "다시 보여요" in shown.output
    assert f"{notice_id}\t상시\t상시" in cli.invoke(args=["notices", "list"]).output
    assert store.query(Query(), TODAY) == [notice_id]

    assert cli.invoke(args=["notices", "delete", notice_id]).exit_code == 0
    assert store.get(notice_id) is None
    missing = cli.invoke(args=["notices", "delete", notice_id])
    assert missing.exit_code == 2
    assert missing.output == (f"✗ 공고 {notice_id}이(가) 없어요. flask notices list로 아이디를 "
                              "확인해 주세요. [notices.unknown]\n")


def test_staff_add_rejects_bad_files_and_duplicates(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("summary: 제목이 없어요\n", encoding="utf-8")
    result = cli.invoke(args=["notices", "add", "--file", str(bad)])
    assert result.exit_code == 2
    assert result.output == f"✗ {bad}: 공고에 제목을 적어 주세요. [notice.no_title]\n"
    raw = tmp_path / "bizinfo.json"
    raw.write_text('{"pblancId": "PBLN_000000000112001", "pblancNm": "복사해 온 공고", '
                   '"bsnsSumryCn": "내용", "reqstBeginEndDe": "상시", '
                   '"pblancUrl": "https://www.bizinfo.go.kr/x"}', encoding="utf-8")
    assert cli.invoke(args=["notices", "add", "--file", str(raw)]).exit_code == 0
    again = cli.invoke(args=["notices", "add", "--file", str(raw)])
    assert again.exit_code == 2 and "PBLN_000000000112001이(가) 이미 있어요" in again.output
    assert "[notices.exists]" in again.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: 교육\n  summary: [\n", encoding="utf-8")
    unread = cli.invoke(args=["notices", "add", "--file", str(broken)])
    assert unread.exit_code == 2 and "YAML 형식이 맞지 않아요" in unread.output
    assert "[notices.not_yaml]" in unread.output and "Error" not in unread.output


@pytest.mark.parametrize(("dropped", "named"), [
    (("period",), "신청기간(period"),
    (("how", "url"), "신청 방법이나 링크"),
    (("summary",), "사업 내용(summary)"),
])
def test_staff_add_needs_what_a_merchant_needs(cli, tmp_path, dropped, named):
    lines = [line for line in NOTICE_YAML.splitlines() if line.split(":")[0] not in dropped]
    path = tmp_path / "thin.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli.invoke(args=["notices", "add", "--file", str(path)])
    assert result.exit_code == 2
    assert "공고에 꼭 필요한 항목이 빠졌어요" in result.output and named in result.output


def test_a_title_alone_is_not_a_notice(cli, tmp_path):
    path = tmp_path / "title.yaml"
    path.write_text("title: 제목만 있는 공고\n", encoding="utf-8")
    result = cli.invoke(args=["notices", "add", "--file", str(path)])
    assert result.exit_code == 2
    for named in ("사업 내용", "신청기간", "신청 방법이나 링크"):
        assert named in result.output
