"""FAQ conversations whose right entry used to lose the top place (issue #13): a developer
helping a merchant with the notice APIs, a new product announced, where the balance is seen."""

from __future__ import annotations


def test_a_developer_asking_for_the_bizinfo_key_gets_the_api_entry(chat):
    said = chat.say("우리 딸이 기업마당 오픈API 쓴다는데 인증키는 어디서 받아요?")
    assert said.templates[0] == "faq/bizinfo_api"
    assert "이메일로 발급" in said.text


def test_the_bizinfo_field_codes_and_dates_come_from_the_api_entry(chat):
    said = chat.say("기업마당 API에서 수출 분야 코드가 몇 번이에요")
    assert said.templates[0] == "faq/bizinfo_api"
    assert "04 수출" in said.text
    said = chat.as_user("u-2").say("API로 공고 받을 때 신청기간은 어느 필드를 봐요")
    assert said.templates[0] == "faq/bizinfo_api"
    assert "reqstBeginEndDe" in said.text


def test_the_ministry_api_limit_is_its_own_entry(chat):
    said = chat.say("공공데이터포털 중기부 공고 API는 하루 몇 번까지 돼요")
    assert said.templates[0] == "faq/mss_api"
    assert "하루 100건" in said.text


def test_a_merchant_asking_what_bizinfo_is_still_gets_the_site_not_the_api(chat):
    said = chat.say("기업마당은 어떤 사이트예요")
    assert said.templates[0] == "faq/bizinfo_what"
    assert "crtfcKey" not in said.text


def test_a_new_product_notice_is_asked_about_as_an_ad(chat):
    # 신상품 reads as 신메뉴 (faq_synonyms.yaml): without it this one was declined
    said = chat.say("신상품 들어온 거 알리는 것도 광고인가요")
    assert said.templates[0] == "faq/ad_what_counts"
    said = chat.as_user("u-2").say("새 제품 소개만 해도 광고로 봐요?")
    assert said.templates[0] == "faq/ad_what_counts"


def test_where_the_balance_is_seen(chat):
    said = chat.say("잔액은 어디서 확인할 수 있나요")
    assert said.templates[0] == "faq/wallet_balance_howto"
    assert "월렛 잔액" in said.text
