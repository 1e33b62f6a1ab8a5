"""A merchant's own situation read out of a question, and the program rules applied to it.

Pure (no Flask, no Redis). `read()` extracts amounts (억/만/천, digits, commas, 한글
numbers: "9억 8천", "오만원"), people counts ("450명"), the time since opening ("개업 두
달"), dates, clock times ("밤 11시", "오후 9시 반", "21:30") and business types (간이과세자,
법인 …). `judge()` applies the rules of program-facts.md — kept here, in one place — and
returns plain values an answer template words: a verdict only where the sources give
one (revenue ≤ 10억 원, opened within 6 months, the send-time windows, message prices);
everything else stays None so the template shows the plain rule or hands off.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass, field, fields
from typing import Any

from bot.answers.filters import date_ko
from bot.core import numbers
from bot.merchants import bizno as business_number
from bot.wallet import pricing

# -- the rules (program-facts.md) ------------------------------------------------------
REVENUE_LIMIT = 1_000_000_000  # §1.2: 연매출 10억 원 이하
MONTHS_A_YEAR = 12  # §1.2's rule is on annual revenue: a month's revenue is judged × 12
WEEKS_A_MONTH = 4  # a weekly plan over months is priced at 4 weeks a month (the answer says so)
NEW_BUSINESS_MONTHS = 6  # §1.2: 개업 6개월 이내 사업자도 대상
GRANT = 300_000  # §1.1: 최대 30만 원 무상캐시
MIN_TOPUP = 10_000  # §1.5: 최소 충전 10,000원
KAKAO_NIGHT_START = 20 * 60 + 50  # §5: Kakao blocks ad sends 20:50 – 08:00
LAW_NIGHT_START = 21 * 60  # §5: the law needs separate consent 21:00 – 08:00
NIGHT_END = 8 * 60
# §5: contacts got in a transaction may get ads for the same kind of goods for 6 months after
# it without consent (시행령 제61조); after that, consent first.
TRANSACTION_MONTHS = 6
# Business types the sources name as eligible (개인 or 법인, §1.2; 간이·일반·면세 are all
# 개인 사업자 in §2.1) and ones they say nothing about (→ no verdict, hand off).
ELIGIBLE_TYPES = ("개인", "간이과세자", "일반과세자", "면세사업자", "법인")
UNKNOWN_TYPES = ("비영리", "프리랜서", "사업자없음")

# -- reading: matching keywords ----------------------------------------------------------
SINO = numbers.DIGITS  # the numerals every number reader shares (bot/core/numbers.py)
NATIVE = {"한": 1, "두": 2, "세": 3, "석": 3, "네": 4, "넉": 4, "다섯": 5, "여섯": 6,
          "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "열한": 11, "열두": 12}
REVENUE_WORDS = ("매출", "수입", "벌어", "버는", "번다", "팔아", "판매액")
MESSAGE_WORDS = ("건", "통", "메시지", "메세지", "문자", "보내", "발송")
# A time since opening counts only when it is the time since *opening* ("개업 두 달 됐어요"):
# the last event named before the duration must be an opening, not an application, a
# top-up or a channel made ("신청한 지 일주일 됐는데": no age of the business in it).
OPENED = re.compile(
    r"개업|창업|오픈|개점|문\s*(?:연|열|을\s*연|을\s*열)|사업자\s*(?:등록|낸|냈|내고|나온)"
    r"|(?:가게|매장|식당|카페|사업|장사|영업|점포)\w{0,2}\s*(?:시작|연|열|차린|차렸|한|하고|했)"
    r"|차린|차렸|장사|영업")
OTHER_EVENTS = re.compile(
    r"신청|접수|충전|승인|가입|인증|전환|만든|만들|맹근|맹글|받은|받고|받았|보낸|보내|연락"
    r"|문의|사용|쓴|쓰기|설치|등록|추가|바꾼|바꿨|눌렀|누른|결제|입금|기다")
# "두 달 된 카페예요": a duration naming the business right after it is its age.
AGED_BUSINESS = re.compile(
    r"^\s*(?:밖에\s*)?(?:안\s*)?(?:된|됐|되는|째)\s*(?:가게|매장|식당|카페|집|업체|점포|사업장"
    r"|사업자|신규|새\s*가게|\w{0,4}(?:집|가게|카페|식당|점))")
OPENING_WINDOW = 24  # characters before a duration searched for the event it counts from
REVENUE_WINDOW = 8  # characters before a bare number searched for 매출 (then it is in 만 원)
RULE_WINDOW = 6  # characters around 10억 searched for 기준: the rule quoted, not a revenue
OVER_WORDS = ("넘", "초과", "이상", "넘어")
UNDER_WORDS = ("안 되", "안되", "못 미", "밑", "미만", "이하", "조금 안", "좀 안")
TARGET_WORDS = ("타겟", "타깃", "그룹", "골라서", "일부")
COMPARE_WORDS = ("차이", "비교")
# The question asks for a price or a count of sends: a computed cost answers it, whatever
# the entry it matched ("고객파일로 420명한테 보내면 비용이 얼마나 나와요?").
COST_ASK_WORDS = ("얼마", "을마", "월매", "비용", "요금", "가격", "금액", "몇 번", "몇번", "몇 회",
                  "몇회", "몇 건", "몇건", "몇 원", "몇원", "어느 정도",
                  "어느정도", "멫 번", "멫번", "멫 건", "멫건")
# "몇 명" asks what a budget reaches ("5만원이면 몇 명한테 보내요") only beside an amount of
# money; after a friend count alone it asks who receives ("1,200명 중 차단이 200명이면 몇
# 명이 받아요"), which no price answers.
PEOPLE_ASK_WORDS = ("몇 명", "몇명")
# A count of sends asked ("몇 번이나 돌릴 수", "멫 건"): with a friend count and the grant
# named but no amount, the budget is the grant ("지원금으로 전체 메시지 몇 번").
_COUNT_ASK = re.compile(r"(?:몇|멫)\s*(?:번|회|건)")
# How long or how often a budget lasts is asked ("몇 주나 버텨요", "몇 달 가요", "얼마나 보낼
# 수 있어요"): the number of sends is the answer, not only the price of one.
_SENDS_ASK = re.compile(r"(?:몇|멫)\s*(?:번|회|건|주|달|개월)|버티|버틸|버텨|모자라|모자랄"
                        r"|충분|부족|얼마나\s*(?:보내|보낼|쓸|갈|가)")
GRANT_WORDS = ("지원금", "무상캐시", "무상 캐시", "지원받", "지원 받", "지원해 주", "지원해주")
# "얼마나 주는 거예요", "얼마 받을 수 있어요": the size of the grant is asked, not a price.
_GRANT_ASK = re.compile(r"(?:얼마|을마|월매)\s*(?:나|정도|씩|까지)?\s*(?:를|을)?\s*"
                        r"(?:주|줘|준|받|들어오|들어와|들어온|지원)")
# The grant received before ("작년에 받았는데", "예전에 한 번 받은 적 있어요", "이미 받은
# 가게"): a time or "이미/한 번" first, then a past receipt within a few words; not a
# consent, an approval, a notice or an order received ("작년에 손님 동의 받았는데").
_RECEIVED = re.compile(
    r"(?:재작년|작년|지난\s*해|예전|옛날|이전|전에|이미|지난\s*번|한\s*번|소신상인)"
    r"([^.?!]{0,16}?)(?:받았|받은\s*적|받은\s*(?:가게|매장|사업장|곳|사람)|받아\s*(?:봤|본)"
    r"|탔었|탄\s*적|타\s*(?:봤|본))")
_RECEIVED_OTHER = re.compile(
    r"동의|승인|인증|허가|심사|문자|안내|알림|연락|전화|상담|답변|교육|주문|예약|손님|쿠폰"
    r"|메시지|메세지|서류|등록증|번호|선물|결제|충전|환불")
_AGAIN = re.compile(r"또|다시|한\s*번\s*더|올해도|이번에도|중복|상관\s*없|괜찮|문제\s*(?:없|돼|되)"
                    r"|되나|돼요|될까|되는|가능|받을\s*수|신청\s*(?:해도|할\s*수|돼|되)")
# A clause ending with the receipt ("작년에 한 번 받았었는데"): the story before a question,
# which goes with that question (FaqService.several) and is judged again there.
_STORY_END = re.compile(r"^\w{0,3}(?:는데|은데|고|거든)\w{0,2}\s*[.,]?\s*$")
BUSINESS_PATTERNS: tuple[tuple[str, str], ...] = (
    ("간이과세자", r"간이\s*(과세|사업)"),
    ("일반과세자", r"일반\s*과세"),
    ("면세사업자", r"면세\s*사업"),
    ("비영리", r"비영리|협회|협동조합|종교\s*단체|재단"),
    ("법인", r"법인|주식\s*회사|유한\s*회사|\(주\)"),
    ("프리랜서", r"프리랜서"),
    ("사업자없음", r"사업자\s*(등록)?\s*(이|가|도)?\s*(없|안\s*했|안\s*냈|아직)"),
    ("개인", r"개인\s*사업|자영업"),
)
UNIT_WORDS = ("원", "명", "건", "통")
# The situational answers an entry may name in `faq.situations` (templates/faq_situation/).
SIGNALS = ("revenue", "opening", "business", "send_time", "cost", "budget", "bizno",
           "purchase", "received", "consent")
# Signals that lift the entries judging them and carry a story to its question, but have no
# bubble of their own: the sources give no verdict, the entry's own answer hands off
# ("received": whether a business that got the grant before may get it again is 미확인).
SILENT_SIGNALS = frozenset({"received"})
# §2.1: what the middle two digits of a 사업자등록번호 say (the wording: faq_situation/bizno).
BIZNO_CLASSES: tuple[tuple[range | tuple[int, ...], str], ...] = (
    (range(1, 80), "individual_taxable"), (range(90, 100), "individual_exempt"),
    ((80,), "group"), ((81, 86, 87, 88), "corporation_hq"), ((85,), "corporation_branch"),
    ((82,), "nonprofit"), ((83,), "government"), ((84,), "foreign"), ((89,), "religious"),
)
PERIODS = {"새벽": "dawn", "아침": "am", "오전": "am", "낮": "pm", "점심": "pm", "오후": "pm",
           "저녁": "pm", "밤": "night"}

# Digits may follow a word with no space ("작년매출20억", "타겟으로30만원"); a hangul numeral
# only after a space or a non-letter (the 이 of "친구이벤트" is no 2).
_NUM_RUN = re.compile(
    r"(?:(?<![0-9.,])[0-9][0-9,]*(?:\.[0-9]+)?|(?<![가-힣0-9])[영공일이삼사오육칠팔구십백천만억])"
    r"(?:[0-9,.영공일이삼사오육칠팔구십백천만억]|\s(?=[0-9일이삼사오육칠팔구십백천]))*")
_NATIVE_ALT = "|".join(sorted(NATIVE, key=len, reverse=True))
_MONTHS = re.compile(rf"(\d+|{_NATIVE_ALT})\s*(?:달|개월)|(반)\s*년|(\d+|{_NATIVE_ALT}|일)\s*년")
_DAYS = re.compile(
    r"(\d+|며칠|몇\s*일|일주일|하루|이틀|사흘|나흘|닷새|엿새|이레|여드레|아흐레|열흘|보름)"
    r"\s*(?:일|주)?\s*(?:됐|되었|밖에|전|째|만에)")
_CLOCK = re.compile(
    rf"(새벽|아침|오전|낮|점심|오후|저녁|밤)?\s*(\d{{1,2}}|(?<![가-힣])(?:{_NATIVE_ALT}))\s*시(?![간작])"
    r"(?:\s*(반)|\s*(\d{1,2}|[일이삼사오육칠팔구]?십?[일이삼사오육칠팔구]?)\s*분)?")
# A part of the day said earlier in the clause ("저녁 장사 끝나고 8시 30분쯤"): its period.
_PERIOD_BEFORE = re.compile(r"(새벽|아침|오전|점심|오후|저녁|밤)(?!\s*(?:에도|이나|이든))")
PERIOD_WINDOW = 14  # characters before a bare hour searched for the part of the day
_HHMM = re.compile(r"(?<!\d)([01]?\d|2[0-3]):([0-5]\d)(?!\d)")
_DATE = re.compile(r"(?:(\d{4})\s*년\s*)?(\d{1,2})\s*월\s*(\d{1,2})\s*일")
# How often the merchant plans to send: "한 달에 두 번씩", "매달 세 번", "일주일에 2번";
# and for how long: "1년 동안", "석 달 동안".
_PER_MONTH = re.compile(rf"(?:한\s*달에|매달|매월|달마다)\s*(\d+|{_NATIVE_ALT})\s*(?:번|회)")
_PER_WEEK = re.compile(rf"(?:일주일에|한\s*주에|매주|주마다)\s*(\d+|{_NATIVE_ALT})\s*(?:번|회)")
_FOR_MONTHS = re.compile(rf"(?:(\d+|{_NATIVE_ALT})\s*(?:달|개월)|(\d+|일|{_NATIVE_ALT})\s*년)\s*"
                         r"(?:동안|내내|간)")
# A business number in the text (3-2-5, with or without separators; never a phone's 0…),
# or its middle two digits asked about ("가운데가 91이에요", "중간 숫자가 85면", "90번대").
# Matching keywords: what a number found in the text is about, added to the matched text
# ("409-33-01275 이거 맞나요?" asks about a 사업자등록번호 without saying so).
BIZNO_TOPIC = "사업자등록번호 맞는 번호 확인"
CRN_TOPIC = "법인등록번호"
REVENUE_TOPIC = "연매출 매출 기준"  # a month's revenue told: the question is the annual rule
# A friend count and a price asked, in words no entry knows ("한 방 쏘면 얼마여"): the cost
# of one send is asked.
COST_TOPIC = "한 번 보내는 비용"
PURCHASE_TOPIC = "거래한 손님 예외"  # a purchase N months ago, in an ad question
# A revenue or a time since opening told with "되나요" asked: the eligibility rule is asked
# ("구억구천구백만원 매출이면 될까요", "문 연 지 석 달인데 우짜노"), in words the entries
# may not share; not how revenue is proved or judged ("매출은 뭘로 증명해요").
YEAR_REVENUE_TOPIC = "연매출 기준"
OPENING_TOPIC = "개업 6개월 이내 신규 사업자"
SEND_TIME_TOPIC = "광고 발송 시간"
_ASKS_ELIGIBLE = re.compile(r"되나|돼요|되요|될까|되는|되능|되겠|되노|되제|돼\?|대상|해당"
                            r"|받을\s*수|받나|가능|안\s*되|못\s*받|우짜|어쩌|어떡|어떻게\s*돼")
_ASKS_PROOF = re.compile(r"증명|서류|자료|뭘로|무엇으로|어떤\s*기준|판단|어떻게\s*(?:봐|보|따)"
                         r"|합쳐|합치|따로|각각")
# How the case is proved is asked ("매출은 뭘로 증명해요", "무슨 서류로 확인해요").
_ASKS_HOW_PROVED = re.compile(r"증명|뭘로|무엇으로|어떤\s*서류|무슨\s*서류")
# Words of sending around a clock time: the time of an ad send is asked ("8시 반에 보내도").
_SENDING = re.compile(r"보내|보낼|보냄|발송|광고|예약|쏘|쏠|쏴|뿌리|돌리")
_BIZNO = re.compile(r"(?<![\d-])([1-9]\d{2})[\s\-‐.]?(\d{2})[\s\-‐.]?(\d{5})(?![\d-])")
# A 법인등록번호 (6-7 digits, §2.3), read only when 법인 is said: a 주민등록번호 has its shape.
_CRN = re.compile(r"(?<![\d-])(\d{6})[\s\-‐]?(\d{7})(?![\d-])")
_BIZNO_MIDDLE = re.compile(r"(?:가운데|중간|중앙)\D{0,12}?(?<!\d)(\d{2})(?!\d)"
                           r"|(?<!\d)([1-9])0\s*번대")
# The time since a customer's purchase, in a question about ads to that customer ("4개월
# 전에 케이크 주문했던 손님한테 광고", "일 년 전에 꽃 사 간 손님"): the duration ago, then within
# a few words the purchase itself.
_AGO = re.compile(r"^\s*(?:전|넘게\s*전|지난|지났|넘은|넘었|된|됐)")
_PURCHASE = re.compile(r"주문|구매|구입|샀|산\s|사\s*간|사간|사\s*가신|거래|결제|방문|다녀가|다녀간"
                       r"|먹고\s*간|먹고\s*가신|시켰|시킨|예약했|예약한|이용했|이용한|오신|왔던|오셨")
AD_WORDS = ("광고", "홍보", "수신 동의", "동의")
PURCHASE_WINDOW = 20  # characters after a duration searched for the purchase it counts from
# When a customer's ad consent was taken, against the 2-year re-confirmation (§5, 제50조 ⑧):
# two dated points ("2023년 1월에 동의 받은 손님한테 2025년 6월인 지금"), a duration ago
# ("3년 전에 받은 광고 동의") or since ("동의 받은 지 1년 반").
CONSENT_TOPIC = "수신 동의 2년 재확인"
RECONSENT_MONTHS = 24
CONSENT_WINDOW = 16  # characters between a date or a duration and the consent it dates
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*년(?:\s*(\d{1,2})\s*월)?")
_SINCE_CONSENT = re.compile(r"동의\S*\s*(?:\S+\s+)?받(?:은|았|고)\S*\s*지\s*")
# A month's revenue: a month named right before the amount ("한 달 매출 7,900만 원쯤",
# "월 2억씩", "월매출 칠천", "매달 구천이백씩 들어와요"); not a date's month ("3월"), 월렛,
# 월요일, 월세 or 월급.
_MONTHLY = re.compile(r"(?:(?<![0-9가-힣])월(?!렛|요일|세|급)|한\s*달|달마다|매달|매월)")
MONTHLY_WINDOW = 16  # characters after the month word searched for its amount
# Words that make a month's amount revenue ("한 달에 많이 벌면", "많이 팔 때") …
MONTHLY_REVENUE_WORDS = (*REVENUE_WORDS, "벌면", "벌고", "벌이", "팔")
# … and looser ones, when the amount is one no shop spends a month on messages or rent
# ("월 2억씩 매출 찍는", "매달 구천이백씩 들어와요"); never beside these.
LOOSE_REVENUE_WORDS = ("찍", "들어오", "나오", "나와", "장사")
LOOSE_REVENUE_MIN = 10_000_000
NOT_REVENUE_WORDS = ("캐시", "충전", "지원금", "광고비", "임대료", "인건비", "메시지", "문자")
MONTHLY_RANGE = (1_000_000, 10 * REVENUE_LIMIT)  # what a shop's month may be
_NOT_MONEY_UNIT = re.compile(r"\s*(?:명|건|통|번|회|개|일|시|분|%|년|달|주|살|곳|군데)")
# A friend count said without 명 ("친구가 삼천인디"), or in native numerals ("친구 두 명에게");
# not "한 명도 없어요".
_FRIENDS_TOLD = re.compile(r"친구\s*(?:수\s*)?(?:가|는|도|만|이)?\s*(?:딱|약|대략|총)?\s*")
_NATIVE_PEOPLE = re.compile(rf"(?<![가-힣])({_NATIVE_ALT})\s*명(?!\s*도)")
_TIMES = re.compile(rf"(?<![가-힣0-9])(\d+|{_NATIVE_ALT})\s*(?:번|회)(?!\s*째)")
_STORES = re.compile(rf"(?:가게|매장|점포|사업장|지점|식당)\w{{0,2}}\s*(\d+|{_NATIVE_ALT})\s*"
                     r"(?:개|곳|군데)")


@dataclass(frozen=True)
class Amount:
    """One number found in the text and the word right after it."""

    value: int
    unit: str  # 원, 명, 건, or "" (bare)
    text: str  # as written ("9억 8천")
    over: bool = False  # "11억 좀 넘는데"
    at: int = field(default=-1, compare=False)  # where it starts in the folded text


@dataclass(frozen=True)
class Situation:
    """What a question says about the merchant's own case (None/empty: not said)."""

    amounts: tuple[Amount, ...] = ()
    revenue: Amount | None = None  # 연매출, won
    revenue_monthly: int | None = None  # the month's revenue `revenue` is 12 times
    money: Amount | None = None  # a won amount that is not revenue (충전 5만원)
    grant: bool = False  # `money` is the grant (무상캐시: with VAT or without is 미확인)
    people: int | None = None  # friends / recipients
    messages: int | None = None  # "1000건"
    months_open: int | None = None  # since opening
    clock: tuple[int, int] | None = None  # (hour 0-23, minute)
    clock_text: str = ""
    date: tuple[int | None, int, int] | None = None  # (year, month, day)
    business: tuple[str, ...] = ()
    stores: int | None = None
    target: bool = False  # 타겟 메시지 mentioned
    # Each recipient count with its message kind, when several are compared or added up
    # ("천 명 전체한테 보내는 거랑 단골 200명만 타겟으로": (1000, general), (200, target)).
    sends: tuple[tuple[int, str], ...] = ()
    repeats: tuple[int, ...] = ()  # how many times each of `sends` goes out ("두 번": 2)
    asks_cost: bool = False  # "얼마", "몇 번": a price or a count of sends is asked
    asks_sends: bool = False  # "몇 번", "몇 주나 버텨요": how many sends a budget makes
    recipients: bool = False  # a count of people a message goes to is told (_recipients)
    compares: bool = False  # "차이": two prices compared, not added up
    bizno: str | None = None  # a 사업자등록번호's 10 digits
    bizno_code: int | None = None  # its middle two digits (or the ones asked about)
    crn: str | None = None  # a 법인등록번호's 13 digits
    per_month: int | None = None  # sends a month ("한 달에 두 번씩")
    per_week: int | None = None  # sends a week ("일주일에 두 번")
    for_months: int | None = None  # over how many months ("1년 동안" = 12)
    months_since_purchase: int | None = None  # a customer's purchase, in an ad question
    received_before: bool = False  # the grant was received before (작년에 받았는데)
    months_since_consent: int | None = None  # an ad consent taken this long ago
    consent_date: tuple[int, int, int] | None = None  # the day a consent was taken
    purchase_date: tuple[int, int, int] | None = None  # the day a customer bought
    asks_eligible: bool = False  # whether the business qualifies is asked (not how proved)
    asks_proof: bool = False  # how revenue is proved or counted is asked ("뭘로 증명해요")
    about_sending: bool = False  # words of sending (보내, 발송, 광고, 예약) are said

    @property
    def empty(self) -> bool:
        """Whether nothing situational was found."""
        return self == Situation()


# A won amount no larger than one message at the dearer price (VAT included) is a price or a
# rounding the merchant quotes, not money to spend ("1원 밑으로 소수점은요?" is no budget of
# 1원 that pays for 0 messages).
_UNIT_PRICE_AT_MOST = pricing.send_cost(1, pricing.TARGET)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def number(text: str) -> int | None:
    """Read '9억 8천' (= 9억 8천만), '1,200', '1.2만', '오만', '삼십만', '11억' as an integer."""
    return numbers.read(text)


def _native_or_int(word: str) -> int | None:
    word = word.strip()
    if word.isdigit():
        return int(word)
    if word == "일":
        return 1
    return NATIVE.get(word)


def _amounts(text: str) -> list[Amount]:
    found: list[Amount] = []
    for match in _NUM_RUN.finditer(text):
        group = match.group()
        raw = group.strip()
        start = match.start() + len(group) - len(group.lstrip())
        after = text[start + len(raw):start + len(raw) + 1]
        if len(raw) > 1 and raw[-1] in SINO and re.match(r"[가-힣]", after) and (
                after not in UNIT_WORDS):
            raw = raw[:-1]  # '10억이에요': the 이 is a particle, not the digit 2
        if not any(c.isdigit() for c in raw) and not any(c in "십백천만억" for c in raw):
            continue  # a lone 이/오/사 is a syllable, not a number
        tail = text[start + len(raw):start + len(raw) + 12]
        unit = next((u for u in UNIT_WORDS if tail.lstrip().startswith(u)), "")
        if not any(c.isdigit() for c in raw) and not unit and (
                len(raw) == 1 or not any(c in "만억" for c in raw)):
            continue  # '천천히', '백화점', '만들어요': hangul numerals need a unit word
        value = number(raw)
        if value is None or value <= 0:
            continue
        over = any(w in tail for w in OVER_WORDS) and not any(w in tail for w in UNDER_WORDS)
        found.append(Amount(value, unit, raw, over, start))
    return found


def _in_manwon(text: str, amount: Amount) -> Amount:
    """A year's revenue said as a bare number is in 만 원, as shopkeepers say it ("작년 매출
    6천이에요", "매출이 한 4500 정도"): read as 6천만, 4,500만 원. Only a number right
    after 매출 with no unit of its own; "매출 6천만 원", "매출 8억" are read as written."""
    if amount.unit or any(c in "만억" for c in amount.text):
        return amount
    if not 100 <= amount.value < 100_000:
        return amount
    before = text[max(0, amount.at - REVENUE_WINDOW):amount.at]
    after = text[amount.at + len(amount.text):amount.at + len(amount.text) + 12]
    if not re.search(r"매출|벌이|수입", before) or _NOT_MONEY_UNIT.match(after) or re.match(
            r"\s*(?:원|만|억|\.|,\d|\d)", after):
        return amount
    return Amount(amount.value * 10_000, "원", amount.text, amount.over, amount.at)


def _months_open(text: str) -> int | None:
    """Months since the business opened, when the text says so; None for the time since
    anything else ("신청한 지 일주일 됐는데", "채널 만든 지 두 달")."""
    spans = sorted([*_MONTHS.finditer(text), *_DAYS.finditer(text)], key=lambda m: m.start())
    for match in spans:
        if not _since_opening(text, match.start(), match.end()):
            continue
        return 0 if match.re is _DAYS else _months_in(match)
    return None


def _months_in(match: re.Match[str]) -> int | None:
    """The months a _MONTHS match says: 'N개월/달', '반년' (6) or 'N년' (N × 12)."""
    if match.group(1):
        return _native_or_int(match.group(1))
    if match.group(2):
        return 6
    n = _native_or_int(match.group(3))
    return None if n is None else n * 12


def _since_opening(text: str, start: int, end: int) -> bool:
    """Whether the duration text[start:end] is the time since opening the business."""
    before = re.split(r"[.?!]", text[max(0, start - OPENING_WINDOW):start])[-1]
    opened = list(OPENED.finditer(before))
    other = list(OTHER_EVENTS.finditer(before))
    if opened and (not other or opened[-1].end() >= other[-1].start()):
        return True  # the nearest event before it is an opening ("사업자 등록한 지" included)
    return not other and bool(AGED_BUSINESS.match(text[end:]))


def _clock(text: str) -> tuple[tuple[int, int] | None, str]:
    match = _HHMM.search(text)
    if match:
        return (int(match.group(1)), int(match.group(2))), match.group()
    for match in _CLOCK.finditer(text):
        hour = _native_or_int(match.group(2))
        if hour is None or hour > 24:
            continue
        minute = 30 if match.group(3) else _minute(match.group(4))
        if minute is None or minute > 59:
            continue
        said = match.group(1) or _period_before(text, match.start(2))
        period = PERIODS.get(said or "")
        if period is None and hour <= 12:
            return None, match.group().strip()  # "9시": morning or evening? no verdict
        if period in ("pm",) and hour < 12:
            hour += 12
        elif period == "night":
            hour = 0 if hour == 12 else hour + 12 if hour >= 6 else hour
        elif period in ("am", "dawn") and hour == 12:
            hour = 0
        return (hour % 24, minute), match.group().strip()
    return None, ""


def _minute(word: str | None) -> int | None:
    """'30' or '이십' (sino-korean, as minutes are said); 0 when no minute was said."""
    if not word:
        return 0
    return int(word) if word.isdigit() else number(word)


def _period_before(text: str, at: int) -> str | None:
    """The part of the day named shortly before a bare hour, in the same clause."""
    before = re.split(r"[.?!,]", text[max(0, at - PERIOD_WINDOW):at])[-1]
    found = list(_PERIOD_BEFORE.finditer(before))
    return found[-1].group(1) if found else None


def read(text: str) -> Situation:
    """Everything situational in one question."""
    text = _fold(text)
    if not text:
        return Situation()
    crn = _crn(text)
    # a business number is no amount, nor is a 법인등록번호
    scan = _CRN.sub(" ", _BIZNO.sub(" ", text)) if crn else _BIZNO.sub(" ", text)
    amounts = [_in_manwon(scan, a) for a in _amounts(scan)]
    revenue = money = None
    people = messages = None
    about_revenue = any(w in text for w in REVENUE_WORDS)
    revenues: list[Amount] = []
    monthly = _monthly_revenue(text)
    for amount in amounts:
        if monthly is not None and amount.value == monthly[0]:
            continue  # the month's revenue, read as such
        if amount.unit == "명":
            people = people or amount.value
        elif amount.unit in ("건", "통"):
            messages = messages or amount.value
        elif amount.value >= 100_000_000 or (about_revenue and amount.value >= 10_000_000):
            revenues.append(amount)
        elif amount.value <= _UNIT_PRICE_AT_MOST:
            continue  # "1원 밑으로", "15원짜리": a price or a rounding, never a budget
        elif amount.unit == "원" or amount.value >= 1000 and "만" in amount.text:
            money = money or amount
    revenue = _own_revenue(text, revenues)
    revenue_monthly = None
    if revenue is None and not revenues and monthly is not None:
        revenue_monthly, revenue = monthly
    if people is None:
        people = _friends_told(text)
    grant = False
    if money is None and people is not None and _COUNT_ASK.search(text) and any(
            w in text for w in GRANT_WORDS):
        money, grant = Amount(GRANT, "원", won(GRANT)), True  # "지원금으로 몇 번"
    elif money is not None and money.value == GRANT and not pricing.paid_in(text):
        grant = True
    clock, clock_text = _clock(text)
    date = None
    match = _DATE.search(text)
    if match:
        date = (int(match.group(1)) if match.group(1) else None, int(match.group(2)),
                int(match.group(3)))
    business = tuple(name for name, pattern in BUSINESS_PATTERNS if re.search(pattern, text))
    if "법인" in business and re.search(r"법인\s*(아니|아녀|아닌)", text):
        business = tuple(b for b in business if b != "법인") + ("개인",)
    digits = _bizno(text)
    if _BIZNO.search(text) or crn or digits:
        business = ()  # "…이 번호 개인사업자 거 맞아요?": what the number says is asked
    stores_match = _STORES.search(text)
    asks_sends = bool(_SENDS_ASK.search(text))
    counts = []
    for amount in amounts:
        # the same count said twice is one audience ("친구가 60명이에요 … 60명한테 보내면")
        if amount.unit == "명" and _recipients(scan, amount) and all(
                c.value != amount.value for c in counts):
            counts.append(amount)
    return Situation(
        amounts=tuple(amounts), revenue=revenue, revenue_monthly=revenue_monthly, money=money,
        grant=grant, people=people, messages=messages, crn=crn,
        months_open=_months_open(text), clock=clock, clock_text=clock_text, date=date,
        business=business,
        stores=_native_or_int(stores_match.group(1)) if stores_match else None,
        target=any(w in text for w in TARGET_WORDS),
        sends=_sends(text, counts), repeats=_repeats(text, counts),
        asks_cost=_asks_cost(text, money is not None) or (money is not None and asks_sends),
        asks_sends=asks_sends, recipients=bool(counts),
        compares=any(w in text for w in COMPARE_WORDS), **_frequency(text), **digits,
        months_since_purchase=_months_since_purchase(text), received_before=_received(text),
        months_since_consent=_months_since_consent(text),
        consent_date=_dated(text, CONSENT_AFTER_DATE),
        purchase_date=_dated(text, _PURCHASE) if any(w in text for w in AD_WORDS) else None,
        asks_eligible=bool(_ASKS_ELIGIBLE.search(text)) and not _ASKS_PROOF.search(text),
        asks_proof=bool(_ASKS_HOW_PROVED.search(text)),
        about_sending=bool(_SENDING.search(text)))


def _number_at(text: str, match: re.Match[str]) -> tuple[str, int] | None:
    """The number a _NUM_RUN match holds and where it starts, without a particle's 이."""
    raw = match.group().strip()
    start = match.start() + len(match.group()) - len(match.group().lstrip())
    after = text[start + len(raw):start + len(raw) + 1]
    if len(raw) > 1 and raw[-1] in SINO and re.match(r"[가-힣]", after) and (
            after not in UNIT_WORDS):
        raw = raw[:-1]  # '8천이에요': the 이 is a particle, not the digit 2
    if not any(c.isdigit() or c in "십백천만억" for c in raw):
        return None  # a lone 이/오/사 is a syllable ("친구 이벤트"), not a number
    return raw, start


def _monthly_revenue(text: str) -> tuple[int, Amount] | None:
    """A month's revenue, when the text gives one, and the year's (× 12) as an Amount:
    §1.2's rule is on annual revenue. A bare number ("칠천", "구천이백", "7900") is in 만 원,
    as shopkeepers say a month's takings."""
    for marker in _MONTHLY.finditer(text):
        clause_end = re.search(r"[.?!,](?!\d)|$", text[marker.end():])
        end = marker.end() + (clause_end.start() if clause_end else 0)
        runs = _NUM_RUN.finditer(text, marker.end(), min(end, marker.end() + MONTHLY_WINDOW))
        number_at = next(filter(None, (_number_at(text, run) for run in runs)), None)
        if number_at is None:
            continue
        raw, start = number_at
        value = number(raw)
        after = text[start + len(raw):start + len(raw) + 12]
        if value is None or _NOT_MONEY_UNIT.match(after):
            continue
        if not any(c in "만억" for c in raw):
            if after.lstrip().startswith("원"):
                continue  # "월 7,900원": no shop's month
            value *= 10_000
        if not MONTHLY_RANGE[0] <= value <= MONTHLY_RANGE[1]:
            continue
        sentence = re.split(r"[.?!](?!\d)", text[:start])[-1] + text[start:end]
        revenue_said = any(w in sentence for w in MONTHLY_REVENUE_WORDS)
        loose = (value >= LOOSE_REVENUE_MIN and any(w in sentence for w in LOOSE_REVENUE_WORDS)
                 and not any(w in sentence for w in NOT_REVENUE_WORDS))
        if not (revenue_said or loose):
            continue
        over = any(w in after for w in OVER_WORDS) and not any(w in after for w in UNDER_WORDS)
        if over and value * MONTHS_A_YEAR <= REVENUE_LIMIT:
            return None  # "월 8천 넘게": the year may be either side of the line
        return value, Amount(value * MONTHS_A_YEAR, "원", raw, over, start)
    return None


def _friends_told(text: str) -> int | None:
    """A friend count said without 명 ("친구 수가 천이백") or in native numerals ("세 명에게");
    None when neither."""
    for told in _FRIENDS_TOLD.finditer(text):
        found = _NUM_RUN.match(text, told.end())
        number_at = None if found is None else _number_at(text, found)
        if number_at is None:
            continue
        raw, start = number_at
        after = text[start + len(raw):start + len(raw) + 4]
        if re.match(r"\s*(?:원|만\s*원|건|통|번|회|개|%|시|일|월|년)", after):
            continue
        value = pricing.korean_number(raw)
        if value is not None and 0 < value <= pricing.MAX_FRIENDS:
            return value
    native = _NATIVE_PEOPLE.search(text)
    if native and (pricing.FRIEND in text or re.match(
            r"\s*(?:에게|한테|께)", text[native.end():])):
        return NATIVE[native.group(1)]
    return None


def _crn(text: str) -> str | None:
    """A 법인등록번호's 13 digits, when 법인 is said beside it."""
    if "법인" not in text:
        return None
    match = _CRN.search(text)
    return "".join(match.groups()) if match else None


# A dated consent or purchase: "2025년 3월 15일에 수신 동의를 받았어요", "26년1월20일에
# 동의", "2026년 9월 10일 거래": the day, then what happened on it within a few words.
_FULL_DATE = re.compile(r"(?<!\d)(\d{4}|\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
CONSENT_AFTER_DATE = re.compile(r"동의")
DATED_WINDOW = 20  # characters after a date searched for the consent or purchase it dates


def _dated(text: str, what: re.Pattern[str]) -> tuple[int, int, int] | None:
    """The day `what` (a consent, a purchase) happened, when the text dates it."""
    for match in _FULL_DATE.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
        if not (1 <= month <= 12 and 1 <= day <= 31 and 2000 <= year <= 2100):
            continue
        if what.search(text[match.end():match.end() + DATED_WINDOW]):
            return year, month, day
    return None


def _months_after(day: tuple[int, int, int], months: int) -> tuple[int, int, int]:
    """The same day `months` later (the month's last day when it has no such day)."""
    year, month, date = day
    year, month = divmod(year * 12 + month - 1 + months, 12)
    return year, month + 1, min(date, calendar.monthrange(year, month + 1)[1])


def _day_text(day: tuple[int, int, int]) -> str:
    return date_ko(datetime.date(*day), weekday=False)


def _months_since_consent(text: str) -> int | None:
    """Months since a customer's ad consent was taken, when the text dates it; else None."""
    if "동의" not in text:
        return None
    dated = list(_YEAR_MONTH.finditer(text))
    if len(dated) >= 2 and "동의" in text[dated[0].end():dated[0].end() + CONSENT_WINDOW]:
        (y1, m1), (y2, m2) = ((int(d.group(1)), d.group(2)) for d in dated[:2])
        if (m1 is None) != (m2 is None):
            return None  # a year against a month of another year: too rough to judge
        months = (y2 - y1) * 12 + (int(m2) - int(m1) if m1 is not None else 0)
        return months if months >= 0 else None
    for match in _MONTHS.finditer(text):
        after = text[match.end():match.end() + CONSENT_WINDOW]
        if _AGO.match(after) and "동의" in after:
            return _months_in(match)
    since = _SINCE_CONSENT.search(text)
    if since:
        match = _MONTHS.match(text, since.end())
        if match:
            return _months_in(match)
    return None


def _received(text: str) -> bool:
    """Whether the merchant says the business got the grant before and asks whether that
    matters ("…받았었는데 그것도 상관없어요?"); not "이미 받았는데 잔액이 안 보여요"."""
    return any(not _RECEIVED_OTHER.search(m.group(1)) and (
        _AGAIN.search(text[m.end():]) or _STORY_END.match(text[m.end():]))
        for m in _RECEIVED.finditer(text))


def _asks_cost(text: str, money: bool = False) -> bool:
    """Whether a price or a count of sends is asked (`money`: an amount of money is told);
    "돈은 얼마나 주는 거예요?" asks the size of the grant (the amount entry), which no
    computed price answers."""
    text = re.sub(r"월\s*매출", " ", _GRANT_ASK.sub(" ", text))  # 월매출 holds 월매 (= 얼마)
    return any(w in text for w in COST_ASK_WORDS) or money and any(
        w in text for w in PEOPLE_ASK_WORDS)


def _months_since_purchase(text: str) -> int | None:
    """Months since a customer bought, when the question is about ads to them; None when
    the duration is the age of the business or of anything else."""
    if not any(w in text for w in AD_WORDS):
        return None
    for match in _MONTHS.finditer(text):
        after = text[match.end():match.end() + PURCHASE_WINDOW]
        if not _AGO.match(after) or not _PURCHASE.search(after):
            continue
        if _since_opening(text, match.start(), match.end()):
            continue
        return _months_in(match)
    return None


def _own_revenue(text: str, found: list[Amount]) -> Amount | None:
    """The merchant's revenue among the revenue-sized amounts: not the rule quoted ("매출
    기준 10억은 어떤 서류로 확인해요?"), and none when two businesses or years give two
    ("하나는 6억 하나는 7억이에요": which one the program counts, the sources do not say)."""
    own = [a for a in found if not (a.value == REVENUE_LIMIT and _quotes_rule(text, a))]
    if len({a.value for a in own}) > 1:
        # "11억인데 10억 넘으면 안 돼요?": the line named beside the merchant's amount
        own = [a for a in own if a.value != REVENUE_LIMIT]
    return own[0] if len({a.value for a in own}) == 1 else None


def _quotes_rule(text: str, amount: Amount) -> bool:
    """Whether the amount is the program's line as quoted ("기준 10억", "10억 기준")."""
    before = text[max(0, amount.at - RULE_WINDOW):amount.at]
    after = text[amount.at + len(amount.text):amount.at + len(amount.text) + RULE_WINDOW]
    return "기준" in before or bool(re.match(r"\s*(?:원\s*)?(?:이하\s*)?기준", after))


def topic_hint(verdicts: Verdicts) -> str:
    """Words naming what the numbers in a question are about ("" when nothing)."""
    if verdicts.bizno_masked is not None:
        return BIZNO_TOPIC
    if verdicts.crn_masked is not None:
        return CRN_TOPIC
    if verdicts.revenue_monthly_text is not None:
        return REVENUE_TOPIC
    if verdicts.asks_cost and verdicts.cost_general is not None and verdicts.money is None:
        return COST_TOPIC
    if verdicts.purchase_within is not None or verdicts.purchase_until is not None:
        return PURCHASE_TOPIC
    if verdicts.reconsent_due is not None or verdicts.reconsent_by is not None:
        return CONSENT_TOPIC
    hints = []
    if verdicts.asks_eligible and verdicts.revenue_ok is not None:
        hints.append(YEAR_REVENUE_TOPIC)
    if verdicts.asks_eligible and verdicts.new_business_ok:
        hints.append(OPENING_TOPIC)
    if verdicts.about_sending and verdicts.clock_text:
        hints.append(SEND_TIME_TOPIC)
    return " ".join(hints)


def _bizno(text: str) -> dict[str, Any]:
    """A business number and its middle digits, or just the middle digits asked about."""
    match = _BIZNO.search(text)
    if match:
        digits = "".join(match.groups())
        return {"bizno": digits, "bizno_code": int(digits[3:5])}
    if not any(w in text for w in ("번호", "번대", "자리", "사업자")):
        return {}  # "가운데 두 자리가 84면", "가운데가 23이면 개인사업자": the number's digits
    middle = _BIZNO_MIDDLE.search(text)
    if middle is None:
        return {}
    return {"bizno_code": int(middle.group(1)) if middle.group(1) else int(middle.group(2)) * 10}


def _frequency(text: str) -> dict[str, int | None]:
    """How often and how long the merchant plans to send, as said."""
    month, week, span = _PER_MONTH.search(text), _PER_WEEK.search(text), _FOR_MONTHS.search(text)
    months = None
    if span:
        months = (_native_or_int(span.group(1)) if span.group(1) else
                  None if _native_or_int(span.group(2)) is None else
                  12 * (_native_or_int(span.group(2)) or 0))
    return {"per_month": _native_or_int(month.group(1)) if month else None,
            "per_week": _native_or_int(week.group(1)) if week else None,
            "for_months": months}


# A count of people is one a message goes to when friends are named just before it or
# sending words follow it ("단골 60명한테만", "1,000명 전체로"); not customers a day ("하루에
# 서른 명 넘게 와요"), nor a count the merchant sees ("발송 수가 400명대", "차단한 사람이 200명").
_RECIPIENT_AFTER = re.compile(r"\s*(?:정도|쯤|가량|만|씩)?\s*(?:한테|에게|께|전체|모두|다\s|만\s"
                              r"|뽑|골라|따로|타겟|타깃|일반|으로|보내|보낼|발송)")
RECIPIENT_WINDOW = 10  # characters before a count searched for 친구


def _recipients(text: str, count: Amount) -> bool:
    """Whether a count of people is one a message goes to (see _RECIPIENT_AFTER)."""
    before = text[max(0, count.at - RECIPIENT_WINDOW):count.at]
    after = text[count.at + len(count.text):]
    after = re.sub(r"^\s*명", "", after)
    return "친구" in before or bool(_RECIPIENT_AFTER.match(after))


def _sends(text: str, counts: list[Amount]) -> tuple[tuple[int, str], ...]:
    """Each recipient count and its kind: 타겟 when a target word is said around it (from
    a few characters before it up to the next count)."""
    sends = []
    for i, count in enumerate(counts):
        end = counts[i + 1].at if i + 1 < len(counts) else len(text)
        around = text[max(count.at - 6, counts[i - 1].at + len(counts[i - 1].text) if i else 0):end]
        kind = pricing.TARGET if any(w in around for w in TARGET_WORDS) else pricing.GENERAL
        sends.append((count.value, kind))
    return tuple(sends)


def _repeats(text: str, counts: list[Amount]) -> tuple[int, ...]:
    """How many times each recipient count is sent to, said after it and before the next
    count ("600명 모두에게 세 번, 단골 100명한테는 한 번"); once when not said."""
    repeats = []
    for i, count in enumerate(counts):
        end = counts[i + 1].at if i + 1 < len(counts) else len(text)
        said = _TIMES.search(text, count.at + len(count.text), end)
        times = _native_or_int(said.group(1)) if said else None
        repeats.append(times or 1)
    return tuple(repeats)


# -- the rules applied ---------------------------------------------------------------------
def won(value: int) -> str:
    """'980000000' → '9억 8천만 원', '50000' → '5만 원', '8250' → '8,250원' (how people say it)."""
    if value >= 10_000 and value % 10_000 == 0:
        eok, man = divmod(value // 10_000, 10_000)
        parts = []
        if eok:
            parts.append(f"{eok:,}억")
        if man:
            if man % 1000 == 0 and eok:
                parts.append(f"{man // 1000}천만")
            else:
                parts.append(f"{man:,}만")
        return " ".join(parts) + " 원"
    return f"{value:,}원"


def approx(count: int) -> str:
    """A count as people say it, rounded down: 18,181 → '1만 8천', 3,030 → '3천', 450 → '450'."""
    if count < 1000:
        return f"{count:,}"
    man, rest = divmod(count, 10_000)
    thousands = rest // 1000
    if not man:
        return f"{thousands}천"
    return f"{man}만 {thousands}천" if thousands else f"{man}만"


def send_window(minute_of_day: int) -> str:
    """'day' (08:00–20:50), 'kakao_night' (20:50–21:00: Kakao blocks, the law would not) or
    'night' (21:00–08:00: separate consent by law, and Kakao blocks)."""
    if NIGHT_END <= minute_of_day < KAKAO_NIGHT_START:
        return "day"
    if KAKAO_NIGHT_START <= minute_of_day < LAW_NIGHT_START:
        return "kakao_night"
    return "night"


@dataclass(frozen=True)
class Verdicts:
    """The rules applied to a situation: what answer templates may say (None: no verdict)."""

    revenue_text: str | None = None  # "9억 8천만 원"
    revenue_ok: bool | None = None  # within 연매출 10억 원 이하
    revenue_monthly_text: str | None = None  # "7,900만 원": the month `revenue_text` is × 12 of
    months_open: int | None = None
    new_business_ok: bool | None = None  # within 6 months of opening
    business: str | None = None  # the type named
    business_ok: bool | None = None  # None: the sources do not say
    clock_text: str | None = None  # "밤 11시" as written
    clock: str | None = None  # "23:00"
    window: str | None = None  # day / kakao_night / night; None when the time is ambiguous
    friends: int | None = None
    cost_general: int | None = None  # one send to `friends`, VAT incl., rounded up
    cost_target: int | None = None
    money_text: str | None = None
    money: int | None = None
    messages_general: int | None = None  # messages `money` pays for
    messages_target: int | None = None
    broadcasts: int | None = None  # sends to `friends` that `money` pays for
    broadcast_kind: str | None = None  # general / target: the kind `broadcasts` counts
    broadcast_cost: int | None = None  # one such send
    money_left: int | None = None  # what `money` keeps after `broadcasts` sends
    # The grant as the budget: the same figures without VAT (whether it is taken from
    # 무상캐시 is 미확인, §1.5: give both).
    grant_budget: bool = False
    broadcasts_novat: int | None = None
    broadcast_cost_novat: int | None = None
    messages_general_novat: int | None = None
    messages_target_novat: int | None = None
    sends: tuple[dict[str, Any], ...] = ()  # several counts: {friends, kind, cost} each
    sends_total: int | None = None  # their costs added up
    sends_difference: int | None = None  # between the first two, when a 차이 is asked
    bizno_masked: str | None = None  # "120-81-*****": never the whole number back
    bizno_valid: bool | None = None  # its check digit is right (§2.2); not its status
    bizno_code: str | None = None  # "81"
    bizno_class: str | None = None  # BIZNO_CLASSES; None when §2.1 names no class
    crn_masked: str | None = None  # "130111-*******"
    crn_valid: bool | None = None  # a 법인등록번호's check digit is right (§2.3)
    per_month: int | None = None
    month_cost: int | None = None  # `per_month` sends to `friends`
    per_week: int | None = None
    week_cost: int | None = None
    for_months: int | None = None
    period_cost: int | None = None  # `month_cost` over `for_months`
    weeks_period_cost: int | None = None  # `week_cost` over `for_months` of 4 weeks
    asks_cost: bool = False
    below_min_topup: bool | None = None
    messages: int | None = None
    messages_cost_general: int | None = None
    messages_cost_target: int | None = None
    stores: int | None = None
    purchase_months: int | None = None  # since the customer's purchase
    purchase_within: bool | None = None  # within the 6 months of the transaction exception
    received_before: bool = False  # no verdict: whether it may be received again is 미확인
    consent_span: str | None = None  # "2년 5개월": since the customer's ad consent
    reconsent_due: bool | None = None  # 2 years or more: the consent must be re-confirmed
    consent_date_text: str | None = None  # "2025년 3월 15일": the day the consent was taken
    reconsent_by: str | None = None  # the day 2 years after it
    purchase_date_text: str | None = None  # "2026년 9월 10일": the day of the purchase
    purchase_until: str | None = None  # the day 6 months after it
    asks_eligible: bool = False
    asks_proof: bool = False
    about_sending: bool = False
    # A price asked of the merchant's own numbers: a count of recipients or of messages.
    priced: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def context(self) -> dict[str, Any]:
        """Every field (None when unknown), for a template.

        A shallow copy: `asdict` deep-copied every field on each answer (~0.2 ms a FAQ reply);
        only `sends` holds mutable values, and those are copied.
        """
        data = {name: getattr(self, name) for name in _VERDICT_FIELDS}
        data["sends"] = tuple(dict(send) for send in self.sends)
        for key in ("cost_general", "cost_target", "messages_cost_general",
                    "messages_cost_target", "broadcast_cost", "money_left", "sends_total",
                    "sends_difference", "month_cost", "week_cost", "period_cost",
                    "weeks_period_cost",
                    "broadcast_cost_novat"):
            data[f"{key}_won"] = f"{data[key]:,}원" if data[key] is not None else None
        for key in ("messages_general", "messages_target", "broadcasts", "friends", "messages",
                    "broadcasts_novat", "messages_general_novat", "messages_target_novat"):
            data[f"{key}_n"] = f"{data[key]:,}" if data[key] is not None else None
        if self.messages_general is not None and self.messages_target is not None:
            data["messages_range"] = (f"약 {approx(self.messages_target)}~"
                                      f"{approx(self.messages_general)} 건")
        else:
            data["messages_range"] = None
        data["grant"] = won(GRANT)
        data["revenue_limit"] = won(REVENUE_LIMIT)
        return data

    @property
    def number_written(self) -> bool:
        """Whether a 사업자등록번호 or 법인등록번호 was written out (and checked)."""
        return self.bizno_valid is not None or self.crn_valid is not None

    @property
    def signals(self) -> tuple[str, ...]:
        """Which situational answers apply (templates/faq_situation/<name>)."""
        found = []
        if self.broadcasts is not None:
            found.append("budget")  # "30만원이면 몇 번": the count of sends, its cost inside
        if self.revenue_ok is not None:
            found.append("revenue")
        if self.new_business_ok is not None:
            found.append("opening")
        if self.business is not None:
            found.append("business")
        if self.clock_text:
            found.append("send_time")
        if self.cost_general is not None or self.messages_cost_general is not None:
            found.append("cost")
        if self.messages_general is not None and "budget" not in found:
            found.append("budget")
        if self.bizno_valid is not None or self.bizno_code is not None or (
                self.crn_valid is not None):
            found.append("bizno")
        if self.purchase_within is not None or self.purchase_until is not None:
            found.append("purchase")
        if self.received_before:
            found.append("received")
        if self.reconsent_due is not None or self.reconsent_by is not None:
            found.append("consent")
        return tuple(found)


def judge(situation: Situation) -> Verdicts:
    """Apply the program's rules to a situation."""
    s = situation
    values: dict[str, Any] = {}
    if s.revenue is not None:
        values["revenue_text"] = won(s.revenue.value) if s.revenue.value % 10_000 == 0 else (
            f"{s.revenue.value:,}원")
        if s.revenue_monthly is not None:
            values["revenue_monthly_text"] = won(s.revenue_monthly)
        over_at_limit = s.revenue.over and s.revenue.value >= REVENUE_LIMIT
        values["revenue_ok"] = s.revenue.value <= REVENUE_LIMIT and not over_at_limit
    if s.months_open is not None:
        values["months_open"] = s.months_open
        if s.months_open <= NEW_BUSINESS_MONTHS:
            values["new_business_ok"] = True
        # Longer than 6 months: the new-business rule does not apply; revenue decides.
    if s.business:
        kind = s.business[0]
        values["business"] = kind
        values["business_ok"] = True if kind in ELIGIBLE_TYPES else None
    if s.clock_text:
        values["clock_text"] = s.clock_text
        if s.clock is not None:
            hour, minute = s.clock
            values["clock"] = f"{hour:02d}:{minute:02d}"
            values["window"] = send_window(hour * 60 + minute)
    kind = pricing.TARGET if s.target else pricing.GENERAL
    if s.people is not None:
        values["friends"] = s.people
        values["cost_general"] = pricing.send_cost(s.people, pricing.GENERAL)
        values["cost_target"] = pricing.send_cost(s.people, pricing.TARGET)
    if s.messages is not None:
        values["messages"] = s.messages
        values["messages_cost_general"] = pricing.send_cost(s.messages, pricing.GENERAL)
        values["messages_cost_target"] = pricing.send_cost(s.messages, pricing.TARGET)
    if s.money is not None:
        values["money_text"] = won(s.money.value)
        values["money"] = s.money.value
        values["messages_general"] = pricing.messages_for(s.money.value, pricing.GENERAL)
        values["messages_target"] = pricing.messages_for(s.money.value, pricing.TARGET)
        values["below_min_topup"] = s.money.value < MIN_TOPUP
        # The sends a budget makes with the friend count, when they are asked: "한 번에
        # 얼마씩 빠지는지" beside "3만원 충전해 뒀고 30만원 받았어요" asks the price only.
        if s.people is not None and s.asks_sends:
            values["broadcasts"] = pricing.broadcasts_for(s.money.value, s.people, kind)
            values["broadcast_kind"] = kind
            values["broadcast_cost"] = pricing.send_cost(s.people, kind)
            values["money_left"] = s.money.value - values["broadcasts"] * values[
                "broadcast_cost"]
        if s.grant:
            values["grant_budget"] = True
            values["messages_general_novat"] = pricing.messages_for(
                s.money.value, pricing.GENERAL, vat=False)
            values["messages_target_novat"] = pricing.messages_for(
                s.money.value, pricing.TARGET, vat=False)
            if s.people is not None and s.asks_sends:
                values["broadcasts_novat"] = pricing.broadcasts_for(
                    s.money.value, s.people, kind, vat=False)
                values["broadcast_cost_novat"] = pricing.send_cost(s.people, kind, vat=False)
    if s.bizno is not None:
        values["bizno_masked"] = f"{s.bizno[:3]}-{s.bizno[3:5]}-*****"
        values["bizno_valid"] = business_number.parse(s.bizno) is not None
    if s.crn is not None:
        values["crn_masked"] = f"{s.crn[:6]}-*******"
        values["crn_valid"] = business_number.corporate_check_digit(s.crn) == int(s.crn[12])
    if s.bizno_code is not None:
        values["bizno_code"] = f"{s.bizno_code:02d}"
        values["bizno_class"] = next(
            (name for codes, name in BIZNO_CLASSES if s.bizno_code in codes), None)
    if s.people is not None:
        one = pricing.send_cost(s.people, kind)
        if s.per_month:
            values["per_month"], values["month_cost"] = s.per_month, one * s.per_month
            if s.for_months:
                values["for_months"] = s.for_months
                values["period_cost"] = one * s.per_month * s.for_months
        if s.per_week:
            values["per_week"], values["week_cost"] = s.per_week, one * s.per_week
            if s.for_months and not s.per_month:
                # "한 달 동안 일주일에 두 번": a month counted as 4 weeks, said so in the answer
                values["for_months"] = s.for_months
                values["weeks_period_cost"] = one * s.per_week * WEEKS_A_MONTH * s.for_months
    if len(s.sends) > 1:
        times = s.repeats if len(s.repeats) == len(s.sends) else (1,) * len(s.sends)
        costs = [pricing.send_cost(n, k) * t for (n, k), t in zip(s.sends, times, strict=True)]
        values["sends"] = tuple(
            {"friends_n": f"{n:,}", "kind": k, "times": t, "cost_won": f"{cost:,}원"}
            for (n, k), t, cost in zip(s.sends, times, costs, strict=True))
        values["sends_total"] = sum(costs)
        if s.compares:
            values["sends_difference"] = abs(costs[0] - costs[1])
    values["asks_cost"] = s.asks_cost
    values["asks_eligible"] = s.asks_eligible
    values["asks_proof"] = s.asks_proof
    values["priced"] = s.asks_cost and (s.recipients or s.messages is not None)
    values["about_sending"] = s.about_sending
    values["received_before"] = s.received_before
    if s.months_since_consent is not None:
        years, months = divmod(s.months_since_consent, 12)
        values["consent_span"] = " ".join(
            part for part in (f"{years}년" if years else "", f"{months}개월" if months else "")
            if part) or "1개월 미만"
        values["reconsent_due"] = s.months_since_consent >= RECONSENT_MONTHS
    if s.consent_date is not None:
        values["consent_date_text"] = _day_text(s.consent_date)
        values["reconsent_by"] = _day_text(_months_after(s.consent_date, RECONSENT_MONTHS))
    if s.purchase_date is not None:
        values["purchase_date_text"] = _day_text(s.purchase_date)
        values["purchase_until"] = _day_text(_months_after(s.purchase_date, TRANSACTION_MONTHS))
    if s.stores is not None:
        values["stores"] = s.stores
    if s.months_since_purchase is not None:
        values["purchase_months"] = s.months_since_purchase
        # Exactly 6 months: whether it is still within, the sources do not say (no verdict).
        if s.months_since_purchase != TRANSACTION_MONTHS:
            values["purchase_within"] = s.months_since_purchase < TRANSACTION_MONTHS
    return Verdicts(**values)


# The fields a template sees (extra is the reader's own scratch space).
_VERDICT_FIELDS = tuple(f.name for f in fields(Verdicts) if f.name != "extra")
