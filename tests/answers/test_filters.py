"""Korean formatting filters used by operator templates."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from bot.answers import filters as f


@pytest.mark.parametrize("value, expected", [
    (300000, "300,000원"), ("8250", "8,250원"), (0, "0원"), (8249.5, "8,250원"), ("abc", "abc")])
def test_won(value, expected):
    assert f.won(value) == expected


@pytest.mark.parametrize("value", [
    date(2026, 11, 21), "2026-11-21", "20261121", datetime(2026, 11, 21, 9, 0),
    "2026-11-21T09:00:00+09:00"])
def test_date_ko_with_weekday(value):
    assert f.date_ko(value) == "2026년 11월 21일(토)"


def test_date_ko_passes_through_unparseable_text():
    assert f.date_ko("상시") == "상시"
    assert f.date_ko(None) == ""


@time_machine.travel(datetime(2026, 11, 21, 23, 30, tzinfo=f.KST), tick=False)
def test_dday_counts_in_korean_time():
    assert f.dday("2026-11-24") == "D-3"
    assert f.dday("2026-11-21") == "D-DAY"
    assert f.dday("2026-11-19") == "D+2"
    assert f.dday("상시") == ""


@pytest.mark.parametrize("value, expected", [
    ("1208147521", "120-81-*****"), ("120-81-47521", "120-81-*****"), ("12", "***-**-*****")])
def test_mask_bizno(value, expected):
    assert f.mask_bizno(value) == expected


def test_phone_format_and_mask():
    assert f.phone("01012345678") == "010-1234-5678"
    assert f.mask_phone("010-1234-5678") == "010-****-5678"


@pytest.mark.parametrize("word, pair, expected", [
    ("월렛", "이/가", "월렛이"), ("캐시", "이/가", "캐시가"), ("캐시", "을/를", "캐시를"),
    ("신청서", "은/는", "신청서는"), ("서울", "으로/로", "서울로"),
    ("부산", "으로/로", "부산으로")])
def test_josa(word, pair, expected):
    assert f.josa(word, pair) == expected
