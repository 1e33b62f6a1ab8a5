"""Keyword router for free text: clear requests go straight to a skill.

The phrases are routing keywords, not wording: they must keep matching the
`message:` texts of the main-menu quick replies in templates/common/main_menu.yaml.
Order matters: more specific rules come first ("신청 현황" before "신청").
"""

from __future__ import annotations

import re

from bot.conversation import understand
from bot.wallet import pricing

RESUME = "resume"  # pseudo-route: continue an unfinished form

ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (target, re.compile(pattern))
    for target, pattern in (
        ("welcome", r"^(처음으로|메뉴|메인메뉴|시작|홈|처음|안녕|안녕하세요|안녕하세여|안녕하십니까|"
                    r"하이|헬로|hi|hello|반가워요|반갑습니다)$"),
        (RESUME, r"^(이어서|이어서하기|계속하기|이어하기)$"),
        ("operator", r"(상담원|상담사|사람이랑|사람과|직원연결|상담연결|전화상담)"),
        ("apply-status", r"(신청현황|접수현황|진행상황|심사결과|처리현황|승인됐|승인되었|"
                         r"언제들어와|언제들어오|언제입금|언제지급|접수번호)"),
        ("wallet", r"(잔액|월렛잔액|캐시얼마|남은캐시|캐시남은|얼마남|잔고|내월렛|월렛확인|"
                   r"월렛조회|지갑잔액|발송비용|비용계산|보내면얼마)"),
        ("notices", r"(지원사업공고|공고|지원사업|정책자금|대출지원|알림끄기|알림꺼|알림해제|"
                    r"알림중지|알림그만|알림취소|수신거부|알림안받|알림받기|알림받을|알림신청|알림켜|분야동의)"),
        ("faq", r"^(자주묻는질문|faq|질문목록|자주하는질문|질문더보기)$"),
        ("apply", r"(^시작하기$|^시작할게요$|신청시작|지원금신청|신청하기|신청할래|신청하고싶|신청하려|캐시받고싶|지원금받|"
                  r"지원받고|^신청$)"),
    )
)

# A route to an action skill gives way to the FAQ when the text asks *about* the thing
# ("잔액이 왜 안 보여요", "신청하려면 뭐가 필요해요") rather than asking for it ("잔액 알려줘").
QUESTION_GUARDED = ("wallet", "apply", "apply-status", "notices")
QUESTION_WORDS = re.compile(r"(뭐예요|뭐에요|뭔가요|뭐야|무엇|어떻게|어떡|어케|왜|방법|하는법|"
                            r"안보|안떠|안들어|반영|필요|준비|서류|차이|뜻이|의미|환불|환급|뭐부터|"
                            # where / whether questions and problem reports, not requests:
                            # '잔액 어디서 확인해요', '지원금 받을 수 있나요', '실수로 보냈어요'
                            r"어디서|어디에서|수있나|수있을까|수있는지|실수로|"
                            r"돌려받|0원|아무것도)")


# Thanks or a plain "got it", with nothing asked: answered kindly, not with "잘 모르겠어요".
# Checked after a skill waiting for an answer has had its turn (see skills/fallback.py).
THANKS = re.compile(r"^(정말|진짜|너무|넘|아|네|넵|예)?(고마워요?|고맙습니다|고맙네요|감사(합니다|해요|드려요|드립니다)?|"
                    r"ㄱㅅ|ㄳ|ㄱㅅㄱㅅ|땡큐|thankyou|thanks|thx|알겠어요|알겠습니다|잘알겠습니다|잘알겠어요|"
                    r"알았어요|확인했어요|확인했습니다|ㅇㅋ|오케이|okay|ok)(요|ㅎ+|ㅋ+|\^\^|😊|🙏|👍)*$")


def is_thanks(text: str) -> bool:
    """Whether the text only thanks us or acknowledges an answer."""
    return bool(THANKS.match(normalise(text)))


def normalise(text: str) -> str:
    """Lowercase and drop spaces and punctuation so '신청 현황?' matches '신청현황'."""
    return re.sub(r"[\s\.\,\!\?~·…\"'()\[\]]+", "", text.lower())


def route(text: str) -> str | None:
    """Return the skill (or pseudo-route) a free-text request clearly asks for."""
    key = normalise(text)
    if not key:
        return None
    if understand.resume(text):  # "이어서 할래요", "계속할게요"
        return RESUME
    for target, pattern in ROUTES:
        if pattern.search(key):
            if target in QUESTION_GUARDED and QUESTION_WORDS.search(key):
                return None  # a question about it: the FAQ answers (and offers the skill)
            return target
    if pricing.friend_count(text) is not None:  # "친구 500명에게 보내면?": the cost calculator
        return "wallet"
    return None
