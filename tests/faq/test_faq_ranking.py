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


def test_both_cashes_held_asks_which_is_spent_first(chat):
    said = chat.say("충전 캐시와 지원 캐시가 같이 있을 땐 어떤 걸 먼저 써요?")
    assert said.templates[0] == "faq/free_before_paid"
    assert "무상캐시가 유상캐시보다 먼저" in said.text


def test_consent_kept_forever_is_the_two_year_reconfirmation(chat):
    # 영원히 reads as 평생 (faq_synonyms.yaml)
    said = chat.say("수신 동의는 받아 두면 영원히 유효해요?")
    assert said.templates[0] == "faq/ad_reconsent"


def test_what_an_ad_must_hold_is_the_whole_rule_list(chat):
    said = chat.say("광고 문자 작성할 때 꼭 들어가야 하는 게 뭐예요?")
    assert said.templates[0] == "faq/ad_rules"
    assert "(광고)" in said.text


def test_where_a_new_channel_is_made_is_not_the_wallet(chat):
    said = chat.say("카카오톡 채널 새로 만드는 곳 알려주세요")
    assert said.templates[0] == "faq/channel_open"


def test_a_southern_ending_on_the_conditions_still_reads(chat):
    # 뭐라예 reads as 뭐예요 (faq_synonyms.yaml spelling)
    said = chat.say("지원 대상 조건이 뭐라예?")
    assert said.templates[0] == "faq/eligibility"
