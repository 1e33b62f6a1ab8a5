"""Keyword router for free text: clear requests go straight to a skill.

The vocabulary is not kept here: each skill declares what it answers to with
`@skill(..., answers_to=Vocabulary(...))` (bot/conversation/registry.py), and the
router reads those declarations in their `order`. The phrases are routing keywords,
not wording: they must keep matching the `message:` texts of the main-menu quick
replies in templates/common/main_menu.yaml.

A command goes to the skill it names ("잔액 알려줘", "공고 보여줘"). A question only
naming a skill's subject ("친구 800명이면 얼마예요?", "지원사업 공고는 어디서 봐요?")
is no command: route() leaves it to the FAQ, and named() tells the fallback which
skill to try when the FAQ has no confident answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.conversation import understand
from bot.conversation.registry import VOCABULARIES, Vocabulary
from bot.core.text import compact

RESUME = "resume"  # pseudo-route: continue an unfinished form
RESUME_WORDS = ("이어서", "이어서하기", "계속하기", "이어하기")

# A question *about* a requested thing ("잔액이 왜 안 보여요", "신청하려면 뭐가 필요해요"),
# not a request for it ("잔액 알려줘"): the FAQ answers, and offers the skill as a chip.
ABOUT_WORDS = re.compile(r"(뭐예요|뭐에요|뭔가요|뭐야|무엇|어떻게|어떡|어케|왜|방법|하는법|"
                         r"안보|안떠|안들어|반영|필요|준비|서류|차이|뜻이|의미|환불|환급|뭐부터|"
                         # where / whether questions and problem reports, not requests:
                         # '잔액 어디서 확인해요', '지원금 받을 수 있나요', '실수로 보냈어요'
                         r"어디서|어디에서|수있나|수있을까|수있는지|실수로|"
                         r"돌려받|0원|아무것도)")
# Endings of a request or a wish, not a question: '알려주세요', '보여줘요', '신청할게요'.
COMMAND_ENDINGS = ("줘", "줘요", "주세요", "주십시오", "주라", "할게요", "할께요", "할래요",
                   "할게", "할래", "싶어요", "싶어", "싶습니다", "드려요", "바랍니다", "부탁해요",
                   "부탁드려요", "부탁합니다", "받을래요", "볼래요", "볼게요")
# A question asked as a request: "돈이 언제 들어오는지 알려주세요", "얼마인지랑 어딘지 알려줘요"
# (an indirect question, -는지/-인지, before 알려/가르쳐/말해/설명).
INDIRECT_QUESTION = re.compile(r"지(?:랑|하고|도|를|만)?(?:좀|꼭|다)?(?:알려|가르쳐|말해|설명)")
# A clear command is short; a longer message is a story or a question for the FAQ.
MAX_COMMAND_WORDS = 10


# Thanks or a plain "got it", with nothing asked: answered kindly, not with "잘 모르겠어요".
# Checked after a skill waiting for an answer has had its turn (see skills/fallback.py).
THANKS = re.compile(r"^(정말|진짜|너무|넘|아|네|넵|예)?"
                    r"(고마워요?|고맙습니다|고맙네요|감사(합니다|해요|드려요|드립니다)?|"
                    r"ㄱㅅ|ㄳ|ㄱㅅㄱㅅ|땡큐|thankyou|thanks|thx|알겠어요|알겠습니다|잘알겠습니다|잘알겠어요|"
                    r"알았어요|확인했어요|확인했습니다|ㅇㅋ|오케이|okay|ok)(요|ㅎ+|ㅋ+|\^\^|😊|🙏|👍)*$")


def is_thanks(text: str) -> bool:
    """Whether the text only thanks us or acknowledges an answer."""
    return bool(THANKS.match(normalise(text)))


# Lowercase, no spaces or punctuation: '신청 현황?' matches '신청현황' (bot/core/text.py).
normalise = compact


def is_question(text: str) -> bool:
    """Whether the text asks something rather than asks for something.

    A question mark, a question ending or word ('나요', '얼마', '언제'), a polite '…요'
    that is not a request ('알려주세요', '신청할게요', '받고 싶어요'), or a request to be
    told an answer ('언제 들어오는지 알려주세요').
    """
    key = normalise(text)
    if key.endswith(COMMAND_ENDINGS):
        return bool(INDIRECT_QUESTION.search(key))
    return understand.question(text) or key.endswith(("요", "까", "나", "니", "냐"))


@lru_cache(maxsize=8)
def _vocabularies(generation: int) -> tuple[tuple[str, Vocabulary], ...]:
    del generation  # the cache key: the registry grows while skill modules import
    return tuple(sorted(VOCABULARIES.items(), key=lambda item: item[1].order))


def vocabularies() -> tuple[tuple[str, Vocabulary], ...]:
    """Every skill's declared vocabulary, in the order the router tries them."""
    return _vocabularies(len(VOCABULARIES))


@lru_cache(maxsize=8)
def _exact_words(generation: int) -> frozenset[str]:
    del generation
    return frozenset(word for _, vocab in vocabularies() for word in vocab.exact)


def menu_word(text: str) -> str | None:
    """The skill a whole-message menu word routes to ("처음으로"), else None.

    Cheap for anything else (one set lookup), so the pipeline may ask it of every free
    text before deciding how to run the turn (see registry.skill(shortcut=…)).
    """
    if normalise(text) not in _exact_words(len(VOCABULARIES)):
        return None
    return route(text)


def _names(vocab: Vocabulary, text: str, key: str) -> tuple[bool, bool]:
    """(the text requests the skill, the text names its subject)."""
    requests = any(word in key for word in vocab.requests) or bool(
        vocab.claims and vocab.claims(text))
    return requests, requests or any(word in key for word in vocab.topics) or bool(
        vocab.mentions and vocab.mentions(text))


def route(text: str) -> str | None:
    """Return the skill (or pseudo-route) a free-text request clearly asks for."""
    return _route(text, len(VOCABULARIES))


# route() and named() are pure functions of the text and the registry, and one fallback
# request asks them two or three times (the fallback, the FAQ's sure_only, the fallback's
# named): a small per-process memo keyed like vocabularies() spares the repeats.
@lru_cache(maxsize=256)
def _route(text: str, generation: int) -> str | None:
    del generation
    key = normalise(text)
    if not key:
        return None
    if understand.resume(text) or key in RESUME_WORDS:  # "이어서 할래요", "계속할게요"
        return RESUME
    question = is_question(text)
    short = len(text.split()) <= MAX_COMMAND_WORDS
    for name, vocab in vocabularies():
        if key in vocab.exact:
            return name
        requests, named = _names(vocab, text, key)
        if not named:
            continue
        if vocab.about and ABOUT_WORDS.search(key):
            return None  # a question about it: the FAQ answers (and offers the skill)
        if requests and short:
            return name  # "잔액 얼마예요?": asking for what the skill holds
        if question or not short:
            return None  # "공고는 어디서 봐요?": the FAQ first, then named()
        return name
    return None


def named(text: str) -> str | None:
    """The skill whose subject a question names, for when the FAQ has no sure answer.

    "대출 지원 있어?" is left to the FAQ first (route() gives None); when the FAQ
    knows no confident answer, the notices skill still answers it.
    """
    return _named(text, len(VOCABULARIES))


@lru_cache(maxsize=256)
def _named(text: str, generation: int) -> str | None:
    del generation
    key = normalise(text)
    if not key or route(text) is not None:
        return None
    about = ABOUT_WORDS.search(key)
    for name, vocab in vocabularies():
        if _names(vocab, text, key)[1] and not (vocab.about and about):
            return name
    return None
