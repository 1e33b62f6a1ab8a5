"""Split a merchant's message into the questions it holds (pure: Kiwi only, no Flask/Redis).

"무상캐시 유효기간 있나요 그리고 환불도 되나요" → two questions; "누가 받을 수 있고 얼마
받아요" → two (at the connective 고); "세금계산서랑 환불 어떻게 해요" → the shared predicate
goes with each listed noun. A long run-on message is cut the same way, so the question
at its end is matched without the story before it diluting the score.
"""

from __future__ import annotations

import re

from bot.conversation import korean

MAX_PARTS = 4
MIN_CHARS = 4  # shorter pieces ("네", "그리고") join their neighbour
# Words that ask without naming a topic: a piece of only these ("나와요?", "알려주세요") or a
# bare alternative ("개인인지") belongs to the piece before it ("법인인지 개인인지 나와요?").
ASKING_WORDS = frozenset({"알리", "알려주", "나오", "궁금", "모르", "되", "하", "있", "주", "좀",
                          "부탁", "드리", "싶", "수", "거", "것", "말", "보", "가능",
                          # "… 업종인지 어떻게 알아요?": how one finds out is no topic of its own
                          "알", "어떻게", "어떻", "어케",
                          # Courtesy and hedging around a question ("잘 모르겠어요", "궁금합니다",
                          # "순서대로 알려 주세요", "감사합니다"): they name no topic, so such a
                          # piece belongs to the question before it, never stands alone.
                          "잘", "궁금하", "순서", "그대로", "감사", "고맙", "죄송", "빨리",
                          "정리", "하나하나", "하나씩", "차근차근", "천천히", "설명", "쉽", "미리",
                          "저", "이것", "그것", "헷갈리",
                          # "…있는지 같이 알려주세요", "둘 다 알려 주세요": asking for both parts
                          # names no topic of its own either
                          "같이", "함께", "다", "모두", "둘", "전부"})
# Connective endings that close a clause: 고 (and), 는데/ㄴ데 (background), 지만, 면서.
CLAUSE_ENDINGS = ("고", "는데", "은데", "ㄴ데", "데", "지만", "면서", "는데요", "은데요", "데요",
                  "요", "는지", "은지", "ᆫ지", "인지")
PREDICATE_TAGS = ("VV", "VA", "VX", "XSV", "XSA", "VCP", "VCN", "EP")
CONJUNCTIONS = ("그리고", "또", "또한", "그리구", "근데", "그런데", "아니면", "그리고요",
                "글고")
LIST_PARTICLES = ("랑", "이랑", "하고", "와", "과")
NOUN_TAGS = ("NNG", "NNP", "NNB", "SL", "XR")
# Endings a statement ends with too ("채널 친구가 800명쯤 있어요", "개인사업자예요"): they ask
# only when nothing else in the message asks more plainly (questions(), tells()).
TELLING_ENDINGS = ("이에요", "예요", "에요", "있어요", "없어요", "나와요", "해요")
# Endings only a statement ends with (a piece ending so never asks by its ending alone).
STATEMENT_ENDINGS = ("있습니다", "없습니다", "나옵니다", "입니다", "합니다")
# Endings that ask (besides a question word at the end and the telling endings above):
# "…주는 건지", "…맞출 수 있을지" ask as "…는지" does.
ASKING_ENDINGS = ("나요", "까요", "가요", "는지", "은지", "인지", "건지", "을지", "할지", "될지",
                  "는지도", "은지도", "인지도", "건지도",
                  "되요", "돼요", "되나", "되는", "되능", "될까", "하나", "할까", "인가", "는교",
                  "능교", "는겨", "랑가", "건가", "뭔지", "죠", "가능", "맞아요", r"알려\s*주세요",
                  r"알려\s*줘", "궁금해요", "궁금합니다", "궁금하고", "궁금하고요", "모르겠어요",
                  # "…건지도 함께 알고 싶습니다", "…알려 주시면 (고맙겠습니다)": asked politely
                  r"알고\s*싶습니다", r"알고\s*싶어요", r"알려\s*주시면")
QUESTION = re.compile(r"(\?|뭐|무엇|어떻게|어케|언제|얼마|몇|어디|누가|누구|왜|"
                      + "|".join(ASKING_ENDINGS + TELLING_ENDINGS) + r")\s*$")
# "심사에서 뭘 봐요": a question word inside and a polite ending asks too; a story sentence
# with one ("뭘 하는 게 서툰데요", "매출도 얼마 없구요") ends otherwise.
_WH_WORD = re.compile(r"(뭐|뭘|무엇|무슨|어디|언제|얼마|몇|누가|누구|왜|어떻게|어케|어떤)")
_COURTESY_TAIL = re.compile(r"(\s*(미리|정말|너무|진짜)?\s*(감사|고맙|수고)\S*|"
                            r"(?:(?<=지)|(?<=지도)|\s*(?:궁금해서|궁금하여|몰라서))\s*"
                            r"(여쭤|여쭙|문의\s*드|질문\s*드)\S*)+\s*$")
_WH_END = re.compile(r"(?<!데)(?<!든)(?<!서)(?<!니까)(?<!려고)(?<!구)(?<!고)요\s*$")
_BARE_CHOICE = re.compile(r"^\S+(인지|는지|은지)$")
_CHOICE_END = re.compile(r"(?:^|\s)\S*?(이에요|예요|에요|인가요|이요|임|이야)\??$")
# "대상인지랑 승인 나면 언제 들어오는지", "보내도 되는지하고 앞에 뭘 붙이는지": a whether-clause
# joined to the next one by 랑/하고 is a question of its own; the particle is cut out.
_WHETHER_AND = re.compile(r"(?<=[는은인건던될할을한된운])지(랑|이랑|하고)(?=[\s,])")
_SENTENCE = re.compile(r"([^?？!！.。\n]*)([?？!！.。\n]+|$)")


def is_question(text: str) -> bool:
    """Whether a piece reads like a question (not a preamble such as '저 떡집 하는데요')."""
    # Phone spellings: '가능한건가여' (요 typed as 여), '모르겟어요' (겠 without its ㅆ).
    text = re.sub(r"(?<=[가-힣])여$", "요", text.strip(" ~.")).replace("겟", "겠")
    text = _COURTESY_TAIL.sub("", text) or text  # "…궁금합니다 감사합니다": the thanks asks nothing
    return bool(QUESTION.search(text)) or bool(_WH_WORD.search(text) and _WH_END.search(text))


def _cut_points(text: str) -> list[tuple[int, int]]:
    """(start, end) spans to cut out between questions: conjunctions and after clause ends."""
    cuts: list[tuple[int, int]] = []
    tokens = korean.kiwi().tokenize(text, normalize_coda=True)
    for i, tok in enumerate(tokens):
        end = tok.start + tok.len
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if following is None:
            break
        if tok.tag == "MAJ" or (tok.form in CONJUNCTIONS and tok.tag.startswith("MA")):
            cuts.append((tok.start, end))
        elif (tok.tag == "EC" and tok.form in CLAUSE_ENDINGS and i > 0
              and tokens[i - 1].tag.split("-")[0] in PREDICATE_TAGS
              and tokens[i - 1].form != "말"  # "사장 말고 직원이 …": 'not A but B' is one clause
              and (following.start > end or following.tag == "SP")  # a space or comma follows
              and following.tag != "VX"):  # not '하고 있는데요' (one verb phrase)
            cuts.append((end, end))
        elif (tok.form == "데" and tok.tag == "NNB" and i > 0 and tokens[i - 1].tag == "ETM"
              and following.start > end):
            cuts.append((end, end))  # "떡집 하는데 신청하려면…": the story before the question
        elif tok.tag == "EF" and following.start > end and following.tag != "SF":
            cuts.append((end, end))  # "…있나요 환불도 되나요": a sentence without punctuation
    for match in _WHETHER_AND.finditer(text):
        cuts = [c for c in cuts if not match.start(1) <= c[0] <= match.end(1)]
        cuts.append((match.start(1), match.end(1)))
    return sorted(cuts)


def _clauses(sentence: str) -> list[str]:
    raw, start = [], 0
    between = ""  # the conjunction cut out before the next piece ("그리고", "아니면")
    for cut_start, cut_end in _cut_points(sentence):
        piece = sentence[start:cut_start].strip(" ,~")
        if piece:
            raw.append((piece, between.strip()))
            between = ""
        between += f" {sentence[cut_start:cut_end]}"
        start = cut_end
    piece = sentence[start:].strip(" ,~")
    if piece:
        raw.append((piece, between.strip()))
    joined: list[str] = []
    for piece, conjunction in raw:
        # "캐시는 신청하고 언제 들어와요?": a step, then the question about it ('after applying,
        # when…'); "누가 받을 수 있고 얼마 받아요" asks twice (a question word on each side).
        if (joined and joined[-1].endswith("고") and not joined[-1].endswith("말고")
                and not _WH_WORD.search(joined[-1]) and _WH_WORD.match(piece)):
            joined[-1] = f"{joined[-1]} {piece}"
        elif joined and not conjunction and _object_of(joined[-1], piece):
            joined[-1] = f"{joined[-1]} {piece}"
        elif joined and _alternative(joined[-1], conjunction, piece):
            joined[-1] = f"{joined[-1]} {conjunction} {piece}".replace("  ", " ")
        else:
            joined.append(piece)
    return joined


_WHETHER_END = re.compile(r"(는지|은지|인지|건지|을지|할지|될지)(도|를|가)?$")
_WHETHER_ANY = re.compile(r"(는지|은지|인지|건지|을지|할지|될지)")
OBJECT_QUESTION_WORDS = 2  # "기준이 뭐예요", "좀 알려주세요": asks about the clause before it


def _object_of(whether: str, piece: str) -> bool:
    """'어떤 게 광고로 치는 건지 / 기준이 뭐예요': a whether-clause then a question of a
    word or two about it, with no conjunction between, is one question (the clause is
    what the short question asks about)."""
    return (bool(_WHETHER_END.search(whether)) and "?" not in whether
            and len(piece.split()) <= OBJECT_QUESTION_WORDS
            and not _WHETHER_ANY.search(piece))  # "…받는지, 언제 들어오는지": two questions


def _alternative(first: str, conjunction: str, second: str) -> bool:
    """'같은 사업인지 다른 사업인지', '신청해도 되는 건지 (아니면) 남편이 해야 하는 건지': two
    whether-clauses side by side, neither asking 뭐/얼마/언제, are one question between two
    answers; joined by 그리고/또 ("법인도 되는지, 그리고 새 가게도 되는지") they stay two."""
    if conjunction and conjunction not in ("아니면", "아님", "아니믄", "아니모"):
        return False
    return (bool(_WHETHER_END.search(first)) and "?" not in first
            and not _WH_WORD.search(first) and not _WH_WORD.search(second)
            and bool(_WHETHER_ANY.search(second)))


def distribute(clause: str) -> list[str]:
    """'세금계산서랑 환불 어떻게 해요' → ['세금계산서 어떻게 해요', '환불 어떻게 해요']."""
    tokens = korean.kiwi().tokenize(clause, normalize_coda=True)
    for i, tok in enumerate(tokens):
        if tok.tag != "JC" or tok.form not in LIST_PARTICLES or i == 0:
            continue
        if tokens[i - 1].tag not in NOUN_TAGS:
            return [clause]
        j = i + 1
        while j < len(tokens) and tokens[j].tag in NOUN_TAGS:
            j += 1
        if j != i + 2 or j >= len(tokens) or tokens[j].tag.startswith("J"):
            return [clause]  # one noun each side, then the shared predicate
        first = clause[:tok.start].strip()
        second = clause[tokens[i + 1].start:tokens[j - 1].start + tokens[j - 1].len].strip()
        predicate = clause[tokens[j - 1].start + tokens[j - 1].len:].strip()
        if not predicate or not first or not second:
            return [clause]
        return [f"{first} {predicate}", f"{second} {predicate}"]
    return [clause]


def split(text: str) -> list[str]:
    """The questions a message holds, in order (the whole text when it holds one)."""
    folded = korean.fold(text)
    if not folded:
        return []
    pieces: list[str] = []
    for match in _SENTENCE.finditer(folded):
        sentence, end = match.group(1).strip(), match.group(2)
        if sentence:
            clauses = _clauses(sentence)
            if "?" in end or "？" in end:  # keep the question mark: it says what was asked
                clauses[-1] += "?"
            pieces += clauses
    merged: list[str] = []
    for piece in pieces:
        if merged and (len(piece.replace(" ", "")) < MIN_CHARS or _topic_words(piece) == 0
                       or _BARE_CHOICE.match(piece) or _choice(merged[-1], piece)):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    if merged and len(merged[0].replace(" ", "")) < MIN_CHARS and len(merged) > 1:
        merged[1] = f"{merged[0]} {merged[1]}"
        merged.pop(0)
    if len(merged) > MAX_PARTS:  # a long story: keep its questions, the last ones first
        keep = set(range(len(merged)))
        for i in range(len(merged)):
            if len(keep) <= MAX_PARTS:
                break
            if not questions(merged)[i]:
                keep.discard(i)
        merged = [p for i, p in enumerate(merged) if i in keep][-MAX_PARTS:]
    return merged or [folded]


# "채널 친구가 800명쯤 있어요", "월매출 8천쯤 나와요": a sentence telling the merchant's case
# ends like a question without a question mark (해요/있어요/예요 ask too, QUESTION).
# "-는 거예요" asks about a fact ("공짜로 주는 거예요", "법인도 되는 거예요"), "카페예요" tells.
_TELLING_END = re.compile(r"(?<!가능)(?<![거것])(" + "|".join(TELLING_ENDINGS + STATEMENT_ENDINGS)
                          + r")\s*$")
_ASKING_END = re.compile(r"(" + "|".join(ASKING_ENDINGS) + r")\s*$")


def tells(piece: str) -> bool:
    """Whether a piece read as a question may just tell something: no question mark, no
    question word, no asking ending (나요, 는지, 가능 …), only a statement's ending."""
    text = piece.strip(" ~.")
    return ("?" not in text and "？" not in text and not _WH_WORD.search(text)
            and bool(_TELLING_END.search(text)) and not _ASKING_END.search(text))


_STATED_THEN = re.compile(r"(고요|구요)[\s,]*(그리고|또|그리구|글고)\s")


def states_then_asks(piece: str, text: str, start: int = 0) -> bool:
    """Whether a clause that tells the merchant's case ends '…이고요, 그리고 …' in the message:
    the case is put forward to be judged, and another question follows ("연매출 6억
    꽃집이고요, 그리고 제 동생도 신청할 수 있나요?" asks about both). The clause is looked
    up from `start` on (where the pieces before it ended), not at its first occurrence: a
    clause said twice is judged where it stands."""
    at = text.find(piece, start)
    return at >= 0 and bool(_STATED_THEN.match(text, at + len(piece) - 2))


_CONJUNCTION_BEFORE = re.compile(r"(?:^|[\s,.?!])(" + "|".join(CONJUNCTIONS) + r")[\s,]*$")


def follows_conjunction(text: str, at: int) -> bool:
    """Whether the piece starting at `at` in the message is brought in by 그리고/또/근데 …
    ("…끝인가요? 그리고 신청은 아무 때나 되나요?"): a question of its own, said so."""
    return bool(_CONJUNCTION_BEFORE.search(text[max(0, at - 8):at]))


def _choice(first: str, second: str) -> bool:
    """'부가세 기준이에요 종소세 기준이에요?', '개인이에요 법인이에요?': one question between two
    things, the first said without a question mark, both ending the same way and neither
    asking 뭐/얼마 ('캐시는 뭐예요 월렛은 뭐예요?' stays two)."""
    a, b = _CHOICE_END.search(first), _CHOICE_END.search(second)
    return (a is not None and b is not None and "?" not in first and "?" in second
            and a.group(1) == b.group(1)
            and not _WH_WORD.search(first) and not _WH_WORD.search(second))


def _topic_words(piece: str) -> int:
    """How many words of a piece name something (asking words left out)."""
    return sum(1 for t in korean.tokens(piece) if t not in ASKING_WORDS)


def questions(pieces: list[str]) -> list[bool]:
    """Which pieces ask something; '월렛은 어디서 만들고' asks what the clause after it asks.
    A piece that only tells ("카톡 채널은 아직 없어요", "개인사업자예요": no question mark, no
    question word, a statement's ending) is the story when another piece asks plainly
    ("…자격은 되는 거 맞죠?"); alone, or among pieces that all end so, it still asks."""
    plainly = any(is_question(p) and not tells(p) for p in pieces)
    flags = [False] * len(pieces)
    for i in range(len(pieces) - 1, -1, -1):
        flags[i] = (is_question(pieces[i]) and not (plainly and tells(pieces[i]))) or (
            pieces[i].endswith(("고", "하고")) and i + 1 < len(pieces) and flags[i + 1])
    return flags
