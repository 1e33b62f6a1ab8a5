"""What a merchant's short reply means: yes, no, start, continue, change a field, a question.

The one place for the word lists and rules the forms and the fallback use to read the usual
Korean ways of answering ("했어요 방금", "아니 됐어요", "넵", "상호 바꿀래요", "이어서 할래요",
"이거 꼭 써야돼요?"). Pure functions of the text (no I/O), so the form engine can use them.
The words are matching keywords, not wording: what the bot says lives in templates/.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# A plain answer is short; a longer sentence is read as something else (a question, a story).
MAX_ANSWER_WORDS = 6

# -- yes / no ------------------------------------------------------------------
# Whole words that open (or are) a yes: "네 맞아요", "응", "넵", "좋아요".
YES_LEADS = frozenset({
    "네", "넹", "넵", "넴", "녜", "네네", "예", "예예", "응", "웅", "응응", "ㅇㅇ", "ㅇㅋ",
    "그럼", "그럼요", "물론", "물론이죠", "맞아요", "맞아", "맞습니다", "맞음", "좋아요", "좋아",
    "좋습니다", "그래요", "그래", "그렇죠", "당연하죠", "오케이", "확인", "yes", "ok", "okay",
})
# Word starts that report something done or present: "했어요 방금", "전환 완료했어요".
YES_DONE = ("했어", "했습", "확인했", "했음", "했죠", "했는데", "해놨", "해뒀", "해두었",
            "됐어", "됐습", "되어있", "돼있", "되있", "있어", "있습", "있음", "완료", "만들었",
            "전환했", "바꿨", "등록했", "신청했", "가입했", "받았")
# Whole words that open a no: "아니 됐어요", "아뇨", "아직이요".
NO_LEADS = frozenset({
    "아니", "아니요", "아니오", "아뇨", "아녀", "아니에요", "아닙니다", "아니야", "노", "놉",
    "ㄴㄴ", "no", "nope", "아직", "아직요", "아직이요", "아직이에요", "아직입니다",
})
# Word starts that deny: "안 했어요", "못했어요", "없어요", "모르겠어요".
NO_STARTS = ("안했", "안됐", "안돼", "안되", "안해", "안만들", "못했", "못해", "못만들", "없어",
             "없습", "없음", "없는데", "모르", "몰라", "몰랐")
NOT = ("안", "못")  # "안 했어요": a separate negation before a verb

# -- start / continue ----------------------------------------------------------
# "시작", "신청할래요", "할게요", "지금 해볼게요" (with a yes: "네", "좋아요" also start). A bare
# noun ("지원금 신청", the menu command) is not a go-ahead: it asks for the intro again.
_START_VERB = (r"(할게요|할께요|할래요|할게|할래|해요|해볼게요|해볼래요|해볼게|해보죠|하기|"
               r"해주세요|해줘|하자|합니다|하겠습니다|하고싶어요|할게용|고고|ㄱㄱ)")
_START = re.compile(rf"^(지금|바로|그럼|네|예|응|넵|좋아요|새로)?"
                    rf"(시작|신청|작성|진행)?{_START_VERB}$"
                    r"|^(새로)?(시작|go)$")  # "새로 시작": the resume prompt's word, typed early
_START_ANY = re.compile(r"(할게|할께|할래|해볼|하자|하겠|해줘|해주세요|고고|ㄱㄱ)")
LATER = ("나중", "다음에", "이따", "담에", "그만", "취소", "안할", "안 할", "말래", "말게")
# "이어서 할래요", "계속 할게요", "이어서 작성", "계속 진행해 주세요".
_RESUME = re.compile(
    r"^(네|응|그럼)?(이어서|이어|계속|마저)(하기|할게요|할께요|할래요|할게|할래|해요|해주세요|해줘|"
    r"하자|작성|작성할게요|작성할래요|진행|진행할게요|진행해주세요|써볼게요|쓸게요|할게용)?$")

# -- changing an answer --------------------------------------------------------
EDIT_WORDS = ("수정", "바꿀", "바꾸", "바꿔", "바뀌", "변경", "고칠", "고치", "고쳐", "정정",
              "틀렸", "틀려", "잘못", "다시쓸", "다시쓰", "다시입력", "다시적")

# -- questions -----------------------------------------------------------------
QUESTION_MARKS = ("?", "？")
QUESTION_ENDINGS = ("나요", "까요", "인가요", "는가요", "은가요", "는지요", "는지", "건가요",
                    "되나요", "돼요", "되요", "하죠", "이죠", "나여", "까여", "해야돼요",
                    "해야되요", "해야하나요", "예요", "에요")
QUESTION_STARTS = ("언제", "어떻게", "어떡", "얼마", "왜", "뭐", "무엇", "어디", "무슨", "누가",
                   "누구", "어느", "몇", "어때", "어땠")
# "이거 꼭 써야돼요", "안 써도 되나요": asking whether something is required.
MUST_WORDS = ("써야", "해야", "적어야", "넣어야", "입력해야", "내야", "필수", "안써도", "안해도",
              "안적어도", "생략")
# Endings that make a statement ("예요", "에요") a question only with another cue.
_WEAK_ENDINGS = ("예요", "에요", "돼요", "되요")

# -- what looks like a form answer (never logged as an unanswered question) ---
# Korean surnames (one syllable, and the common two-syllable ones) that open a person's name.
SURNAMES = frozenset(
    "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 전 홍 고 문 양 손 배 백 허 남 "
    "심 노 하 곽 성 차 주 우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 "
    "마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부 가 복 태 "
    "목 형 피 두 감 음 빈 동 온 호 범 좌 팽 승 간 상 시 갈 견 당 화 창 계 묵 라 란 매 미 아 "
    "야 운 종 즙 초 판 평 풍 필 학 해 형 후 흥".split())
COMPOUND_SURNAMES = ("남궁", "제갈", "선우", "서문", "독고", "황보", "사공", "동방")
# A single word up to this long, typed with no question, reads as a name (a shop, a person).
MAX_NAME_CHARS = 8

_NON_WORD = re.compile(r"[^\w\s@]+")
_DIGITS = re.compile(r"\d")
_NUMBERISH = re.compile(r"^[\d\s\-.,+()/:~원만억천백명건개월년일번호*#]*$")
_HANGUL_NAME = re.compile(r"^[가-힣]{2,5}$")


def _nfkc(text: str) -> str:
    """NFKC (full-width digits and letters) except Hangul jamo: "ㅇㅇ" must stay "ㅇㅇ"."""
    return "".join(ch if "\u3130" <= ch <= "\u318f" else unicodedata.normalize("NFKC", ch)
                   for ch in text or "")


def words(text: str) -> list[str]:
    """The words of `text`: NFKC, lower case, punctuation dropped."""
    return _NON_WORD.sub(" ", _nfkc(text).lower()).split()


def key(text: str) -> str:
    """The words joined without spaces (merchants often drop the spacing)."""
    return "".join(words(text))


def is_one_of(text: str, phrases: Iterable[str]) -> bool:
    """Whether `text` is one of `phrases`, ignoring spacing and punctuation."""
    wanted = key(text)
    return bool(wanted) and wanted in {key(p) for p in phrases}


def no(text: str) -> bool:
    """A short no, not yet, or never mind: "아니 됐어요", "아뇨", "안 했어요", "아직이요"."""
    found = words(text)
    if not found or len(found) > MAX_ANSWER_WORDS:
        return False
    if found[0] in NO_LEADS or found[0].startswith(("아니", "아뇨")):
        return True
    for i, word in enumerate(found):
        if word.startswith(NO_STARTS) or word in NO_LEADS:
            return True
        if word in NOT and i + 1 < len(found):  # "안 했어요", "못 만들었어요"
            return True
    return False


def yes(text: str) -> bool:
    """A short yes or "done": "네 맞아요", "응", "넵", "했어요 방금", "전환 완료했어요"."""
    found = words(text)
    if not found or len(found) > MAX_ANSWER_WORDS or no(text):
        return False
    if len(found) > 1 and any(mark in (text or "") for mark in QUESTION_MARKS):
        return False  # "네 근데 이건 뭐예요?" asks something
    if found[0] in YES_LEADS or key(text) in YES_LEADS:
        return True
    return any(word.startswith(YES_DONE) for word in found)


def start(text: str) -> bool:
    """A go-ahead to begin: "시작", "할게요", "네", "신청할래요", "좋아요", "지금 해볼게요"."""
    joined = key(text)
    if not joined or no(text) or any(word in joined for word in map(key, LATER)):
        return False
    if len(words(text)) > MAX_ANSWER_WORDS or question(text):
        return False
    if yes(text) or _START.fullmatch(joined):
        return True
    return len(joined) <= 12 and bool(_START_ANY.search(joined))


def resume(text: str) -> bool:
    """Carry on with the unfinished form: "이어서 할래요", "계속할게요", "이어서"."""
    joined = key(text)
    return bool(joined) and bool(_RESUME.fullmatch(joined))


def edit_target(text: str, fields: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The field a change request names: "상호 바꿀래요" → 상호 (fields: name, its words).

    Needs a change word and a field word; the longest field word wins ("비즈니스 채널"
    over "채널").
    """
    joined = key(text)
    if not joined or not any(word in joined for word in EDIT_WORDS):
        return None
    best: tuple[int, str] | None = None
    for name, names in fields:
        for word in names:
            wanted = key(word)
            if wanted and wanted in joined and (best is None or len(wanted) > best[0]):
                best = (len(wanted), name)
    return best[1] if best else None


def question(text: str) -> bool:
    """Whether a reply reads like a question rather than an answer (any cue)."""
    return asks(text) or any(w.startswith(QUESTION_STARTS) for w in words(text))


def asks(text: str) -> bool:
    """A question by its form: a question mark, a question ending, "꼭 써야돼요".

    Stricter than question(): a shop called "뭐든지분식" is no question, "뭐든지 되나요" is.
    """
    raw = (text or "").strip()
    if any(mark in raw for mark in QUESTION_MARKS):
        return True
    found = words(raw)
    joined = "".join(found)
    if any(word in joined for word in MUST_WORDS) and joined.endswith(("요", "까", "나")):
        return True
    strong = tuple(e for e in QUESTION_ENDINGS if e not in _WEAK_ENDINGS)
    return any(w.endswith(strong) for w in found)


def looks_like_form_answer(text: str) -> bool:
    """A name, a number, a business number, a phone, an e-mail or a channel id: no question.

    A person's name, a shop name or a number typed where a form was expected must never
    reach the FAQ's unanswered log (it is personal data, and no question). A topic of a few
    words ("간판교체비용 지원") is a question without its ending and stays loggable.
    """
    raw = _nfkc(text).strip()
    if not raw or question(raw):
        return False
    if _DIGITS.search(raw) and _NUMBERISH.match(raw):
        return True  # 사업자등록번호, 휴대폰 번호, an amount, a count
    if "@" in raw or "pf.kakao.com" in raw.lower():
        return True  # a channel id, a channel address, an e-mail
    found = words(raw)
    digits = len(_DIGITS.findall(raw))
    if digits >= 4 and len([w for w in found if not _DIGITS.search(w)]) <= 2:
        return True  # "홍길동 010-1234-5678"
    if len(found) <= 2 and _is_person_name("".join(found)):
        return True  # "홍길동", "김 수지"
    return len(found) == 1 and len(found[0]) <= MAX_NAME_CHARS  # "단골분식", "김밥천국강남점"


def _is_person_name(word: str) -> bool:
    """Two to five Hangul syllables opening with a Korean surname ("홍길동", "남궁민수")."""
    if not _HANGUL_NAME.match(word):
        return False
    return word[:2] in COMPOUND_SURNAMES or (word[0] in SURNAMES and len(word) <= 4)
