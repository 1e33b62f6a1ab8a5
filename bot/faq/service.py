"""The FAQ service: matches free text against the knowledge base and builds each band's reply.

Installed as `services.faq` by init_app: the fallback skill calls answer() for free
text, the pipeline calls answer_mid_form() for a question typed inside a form, the
`faq` skill calls browse(). Templates: faq/<id> (the knowledge base, see
bot/faq/knowledge.py), faq_ui/*.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from bot.answers.templating import TemplateStore
from bot.conversation import korean, router
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.core import metrics
from bot.faq import parts as faq_parts
from bot.faq import situation
from bot.faq.knowledge import (
    COMPUTED_SITUATIONS,
    Entry,
    KnowledgeBase,
    Snapshot,
    UnansweredLog,
    answer_reply,
    looks_like_form_answer,
    multi_reply,
)
from bot.faq.match import Bands, Hit, Index, Query
from bot.kakao import SkillRequest
from bot.services import Services

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

MORE_WORDS = ("질문더보기",)  # the "next page" chip, typed or tapped without its extra
SESSION_KEY = "faq"  # session.data[SESSION_KEY] = {"id": last answered entry, "at": time}
EXTRA_ENTRY = "faq"  # clientExtra of an entry chip: answer this entry, whatever the text
EXTRA_PAGE = "faq_page"
SUGGESTIONS = 3
CANDIDATES = 5  # hits ranked before the merchant's situation re-orders them
SITUATION_BONUS = 0.1  # score added to entries that judge the case the question carries
CARD_ENTRIES = 4  # list items per card inside a carousel (Kakao)
PAGE_CARDS = 5  # list cards per carousel (Kakao)
_BAND_ORDER = {"low": 0, "medium": 1, "high": 2}
# A part of a message naming at most this many words, placed by no entry, may ask more about
# the answer before it ("정한 다음에 바꿀 수도 있나요?", "그 사람들 몫까지 돈 나가요?");
# one naming more may be a question of its own the KB lacks ("예전에 하던 가게로 한 번
# 받았었는데 그래도 괜찮나요?": four words, asking whether one may receive again).
MORE_ABOUT_WORDS = 3
# A verdict on one number answers every question the message asks about it.
WHOLE_MESSAGE_SITUATIONS = {"bizno"}


class FaqService:
    """Matches free text against the knowledge base and builds the reply for each band."""

    def __init__(self, svc: Services) -> None:
        cfg = svc.config
        store = TemplateStore(cfg.get("TEMPLATES_DIR", "templates"),
                              bool(cfg.get("TEMPLATES_AUTO_RELOAD", True)))
        self.kb = KnowledgeBase(store)
        faq = svc.features.faq
        self.bands = Bands(high=Bands.high if faq.high is None else faq.high,
                           low=Bands.low if faq.low is None else faq.low)
        self.follow_up_window = faq.follow_up_seconds
        self.unanswered = UnansweredLog(svc.redis, svc.keys)

    def warm(self) -> None:
        """Build the index now, before the first merchant waits for it (server start-up)."""
        try:
            self.kb.snapshot()
        except Exception:  # a broken file must not stop the server; `flask faq check` names it
            log.exception("faq index could not be built at start-up")

    # -- the two hooks --------------------------------------------------------
    def answer(self, text: str, req: SkillRequest, session: Session,
               svc: Services, sure_only: bool = False) -> Reply | None:
        """Answer free text in the fallback; None (after logging it) when we do not know.

        With `sure_only` (a question a skill may answer too) only a direct answer is
        given: no suggestions, nothing logged; None lets the fallback ask the skill.
        """
        snapshot = self.kb.snapshot()
        tapped = self._tapped(req, snapshot)
        if tapped is not None:
            return self._answer(snapshot, tapped, session, svc.clock())
        now = svc.clock()
        verdicts = situation.judge(situation.read(text))
        hint = situation.topic_hint(verdicts)
        band, hits = self.match(snapshot, f"{text} {hint}" if hint else text, session, now,
                                verdicts)
        metrics.faq_band(band)
        # A near-copy of an entry's own example is that entry, however many parts it has;
        # so is a price computed from the merchant's numbers ("친구가 800명이에요. 한 번
        #얼마고, 30만원이면 몇 번?": the numbers and the questions belong together).
        sure = band == "high" and (hits[0].score >= self.bands.sure or self._computed(
            snapshot.entries[hits[0].entry], verdicts)) and not self._elsewhere(
                snapshot, text, snapshot.entries[hits[0].entry], verdicts)
        several = None if sure else self.several(snapshot, text, band, session, now, hits)
        if several is not None:
            return several
        if band == "high":
            return self._answer(snapshot, snapshot.entries[hits[0].entry], session, now, verdicts)
        if sure_only:
            return None
        if band == "medium":
            return self._suggest(snapshot, hits)
        if not looks_like_form_answer(text):  # a late name or number is no question
            self.unanswered.record(text, now)
        # Nothing confident: the fallback offers an unfinished form back, else its honest
        # "잘 모르겠어요" with the menu and the operator button (templates/fallback/unknown).
        return None

    def answer_mid_form(self, text: str, req: SkillRequest, session: Session,
                        svc: Services) -> Reply | None:
        """Inside a form only a confident answer may interrupt; anything else is the answer."""
        snapshot = self.kb.snapshot()
        hits = snapshot.index.search(text, k=2, screen=True)
        if self.bands.of(hits) != "high":
            return None
        entry = snapshot.entries[hits[0].entry]
        self.remember(session, entry.id, svc.clock())
        return Reply.of(entry.template, {"faq_id": entry.id})

    @staticmethod
    def _computed(entry: Entry, verdicts: situation.Verdicts) -> bool:
        """Whether the entry answers by checking the numbers the message is about (a price
        asked, a business number: _by_numbers) or gives a verdict on the case asked about
        (_eligible)."""
        return _by_numbers(entry, verdicts) or _eligible(entry, verdicts)

    def _elsewhere(self, snapshot: Snapshot, text: str, entry: Entry,
                   verdicts: situation.Verdicts) -> bool:
        """Whether a message read whole for its numbers (a month's revenue, a price asked)
        also asks, in a clause of its own, about another topic ("월매출 N인데 대상인지랑
        캐시 유효기간 있는지", "친구가 500명이에요. 한 번 보내면 얼마예요? 그리고 광고는
        밤 몇 시까지 보낼 수 있어요?"): then each question is answered (several), not the
        computed one alone."""
        if _eligible(entry, verdicts) and not _by_numbers(entry, verdicts):
            # Read whole for a verdict on the case (_eligible): only when each of its other
            # questions is the bare "신청되나요?" that verdict answers.
            return not self._only_whether(snapshot, text)
        if not _monthly_only(verdicts) and not verdicts.asks_cost:
            return False
        index = snapshot.index
        for piece, asks, case in _pieces(index, text):
            if not asks or case.signals:
                continue
            hits = index.search(piece, k=2, screen=True)
            if self.bands.of(hits) == "high" and (
                    snapshot.entries.get(hits[0].entry) is None
                    or snapshot.entries[hits[0].entry].topic != entry.topic):
                return True
        return False

    # -- matching -------------------------------------------------------------
    def situated(self, snapshot: Snapshot, hits: list[Hit], verdicts: situation.Verdicts,
                 lead: bool = False, query: Query | None = None,
                 beside: bool = False, text: str | None = None) -> tuple[str, list[Hit]]:
        """Band and hits once the merchant's own case counts: entries that judge it (an
        amount, a time, a business type) move up, and a 'did you mean' on such an entry
        becomes an answer ("매출 11억 좀 넘는데" → the revenue rule with a verdict), and so
        does one whose entry holds the question's words (`query`: Bands.covered) when the
        question says enough or stands `beside` others in one message ("…공짜로 주는
        거예요? 얼마나 줘요?"), not a lone "신규는요?".
        `lead`: the question says enough for a clear winner to be answered (Bands.of).
        `text`: the whole message, when `hits` are its own (not one question's of several)."""
        signals = set(verdicts.signals)
        # A price asked is computed for any entry (knowledge.situation_parts).
        computed = COMPUTED_SITUATIONS if verdicts.asks_cost else set()
        if not verdicts.asks_cost:
            # An amount or a friend count told in passing ("충전은 10만원 해놨고 … 뭐부터
            #빠져요?") is the story, not the question: it lifts no price entry.
            signals -= COMPUTED_SITUATIONS
        if verdicts.asks_proof:
            # "개업 4개월이라 신고를 안 했는데 매출은 뭘로 증명해요?": how the case is proved
            # or counted is asked, which no verdict on it answers; it lifts no such entry.
            signals -= {"revenue", "opening"}

        def judges(entry_id: str) -> bool:
            return bool(signals & (set(snapshot.entries[entry_id].situations) | computed))

        if signals:
            hits = sorted(
                (Hit(h.entry, round(h.score + SITUATION_BONUS, 4)) if judges(h.entry) else h
                 for h in hits), key=lambda h: -h.score)
        band = self.bands.of(hits, lead=lead)
        if band != "high" and verdicts.priced:
            # A price asked of the merchant's own recipients or messages ("팔백 명 정도인데
            # 30만 원이면 전체한테 몇 번"): the arithmetic answers it, on the best entry that
            # prices sends, however weakly a long message's words place it.
            pricing = [h for h in hits if COMPUTED_SITUATIONS & set(
                snapshot.entries[h.entry].situations)]
            # … unless the message's words point elsewhere first (a story about which cash
            # goes first, with a price asked on the side): each question is answered then.
            if pricing and hits[0].score - pricing[0].score < self.bands.margin and (
                    text is None or self._only_prices(snapshot, text)):
                hits = [pricing[0], *(h for h in hits if h is not pricing[0])]
                band = "high"
        if band == "medium" and hits[0].score >= self.bands.situational and judges(
                hits[0].entry):
            band = "high"
        if band == "medium" and _related_tie(snapshot, hits, self.bands):
            band = "high"
        if band == "medium" and (lead or beside) and query is not None and self._covered(
                snapshot, hits, query):
            band = "high"
        return band, hits[:SUGGESTIONS]

    def _only_prices(self, snapshot: Snapshot, text: str) -> bool:
        """Whether every question of a message asks a price of its numbers, or names nothing
        another entry answers: "친구가 60명인데 어떻게 늘려요? 그리고 지금 한 번 보내면
        얼마예요?" asks how to get friends too, which the arithmetic does not answer."""
        index = snapshot.index
        for piece, asks, verdicts in _pieces(index, text):
            if not asks or verdicts.priced:
                continue
            hits = index.search(piece, k=1, screen=True)
            if hits and hits[0].score >= self.bands.low and not COMPUTED_SITUATIONS & (
                    _situations(snapshot, hits[0].entry)):
                return False
        return True

    def _only_whether(self, snapshot: Snapshot, text: str) -> bool:
        """Whether every question of a message either tells the case the eligibility rules
        judge or only asks whether it qualifies ("년매출 2억이에요 / 신청되나요?"); not "매출
        7억인디 되는 거여? 되믄 월렛은 누가 맹그는 거여?" (a second question of its own)."""
        index = snapshot.index
        for piece, asks, verdicts in _pieces(index, text):
            if ELIGIBILITY_SITUATIONS & set(verdicts.signals):
                continue
            if asks and not set(korean.tokens(piece)) <= WHETHER_WORDS:
                return False
            # a clause that names another topic clearly, asked or not ("…유효기간도요")
            hits = [] if asks else index.search(piece, k=1, screen=True)
            if hits and hits[0].score >= self.bands.high and not ELIGIBILITY_SITUATIONS & (
                    _situations(snapshot, hits[0].entry)):
                return False
        return True

    def _covered(self, snapshot: Snapshot, hits: list[Hit], query: Query) -> bool:
        """Whether the top entry knows the question's words (Bands.covered) and leads."""
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        return (hits[0].score - runner_up >= self.bands.margin
                and snapshot.index.coverage(query, hits[0].entry) >= self.bands.covered)

    def several(self, snapshot: Snapshot, text: str, band: str, session: Session,
                now: float, whole: Sequence[Hit] = ()) -> Reply | None:
        """Answer each question of a message that holds several (or a long story ending in
        one question); None when the message is better read whole."""
        index = snapshot.index
        pieces: list[str] = []
        carried = ""  # "매출 11억 좀 넘는데 / 신청 가능한가요": the case goes with the question
        fixed = index.analyzer.synonyms.fix_spelling(text)
        split = [p for q in faq_parts.split(fixed) for p in faq_parts.distribute(q)]
        stated: set[str] = set()  # a case told, then "그리고" another question: both asked
        cases: set[str] = set()  # a case told in a sentence of its own, asked about after it
        cursor = 0  # where the pieces seen so far end in the message
        for piece, asks in zip(split, faq_parts.questions(split), strict=True):
            at = fixed.find(piece, cursor)
            if at >= 0:
                cursor = at + len(piece)
            # "채널 친구가 800명쯤 있어요. 30만 원이면 전체한테 몇 번 보내요?": the count is
            # the story of the question after it, however much its ending sounds like asking.
            signals = set(situation.judge(situation.read(piece)).signals)
            if (signals and not asks and faq_parts.is_question(piece)
                    and not signals <= COMPUTED_SITUATIONS):
                # "면세사업자예요. 캐시는 언제 들어오나요?": a case told to be judged, beside a
                # question about something else: both are answered.
                pieces.append(f"{carried} {piece}".strip())
                stated.add(pieces[-1])
                carried = ""
                continue
            if signals and (not asks or (
                    faq_parts.tells(piece) and signals <= COMPUTED_SITUATIONS)):
                if faq_parts.states_then_asks(piece, fixed, max(at, 0)):
                    pieces.append(f"{carried} {piece}".strip())
                    stated.add(pieces[-1])
                    carried = ""
                    continue
                carried = f"{carried} {piece}".strip()
                continue
            pieces.append(f"{carried} {piece}".strip())
            carried = ""
        if carried:
            pieces.append(carried)
            cases.add(carried)
        pieces = self._with_their_story(index, pieces)
        if len(pieces) < 2:
            return None
        answers: list[tuple[Entry, situation.Verdicts]] = []
        # questions about the program without a clear entry, their best entries (tied) and
        # their candidates (the top three)
        unsure: list[tuple[str, set[str], set[str]]] = []
        elsewhere: list[str] = []  # questions on a topic the channel does not answer
        candidates: list[Hit] = []  # each unsure question's best entry
        # unsure questions whose best entry the whole message points to as well: (where
        # its answer goes, the entry, its case, its `unsure` item)
        agreeing: list[tuple[int, Entry, situation.Verdicts, tuple[str, set[str], set[str]]]] = []
        previous: str | None = None
        previous_piece = ""
        asking = [(asks and piece not in cases) or piece in stated
                  for piece, asks in zip(pieces, faq_parts.questions(pieces), strict=True)]
        story = ""  # told since the last question: a short question after it is about it
        cursor = 0
        for piece, is_question in zip(pieces, asking, strict=True):
            at = fixed.find(piece, cursor)
            joined = at > 0 and faq_parts.follows_conjunction(fixed, at)
            if at >= 0:
                cursor = at + len(piece)
            if not is_question:
                story = f"{story} {piece}".strip()
                continue  # the story around the questions is not answered on its own
            told, story = story, ""
            verdicts = situation.judge(situation.read(piece))
            if told and not verdicts.signals:
                # "…친구가 620명 정도 모였는데 … 한 번 보낼 때마다 얼마씩 빠지는지": the
                # numbers told just before a question are its case.
                with_story = situation.judge(situation.read(f"{told} {piece}"))
                if with_story.signals:
                    verdicts = with_story
            # Each part read with its own numbers' topic, as answer() reads a whole message
            # ("월매출 8천 … 일 년으로 치면 대상 안에 드는지" → the annual revenue rule).
            hint = situation.topic_hint(verdicts)
            said = f"{piece} {hint}" if hint else piece
            query = index.query(said)
            hits = index.search(said, k=CANDIDATES, query=query, screen=True)
            if previous is not None and not told and (
                    (len(query.features.words) <= MORE_ABOUT_WORDS and not joined)
                    or index.is_follow_up(piece, query.features)) and self._more_about(
                        snapshot, previous, previous_piece, piece, hits):
                continue  # "검색용 아이디는 몇 자까지? 정한 다음에 바꿀 수도 있나요?"
            if previous is not None and index.is_follow_up(piece, query.features):
                in_context = index.search(piece, k=CANDIDATES, context=previous, query=query,
                                          screen=True)
                if in_context and (not hits or in_context[0].score > hits[0].score):
                    hits = in_context
            if not hits:
                elsewhere.append(piece)
                continue
            # A part is answered only in its own high band (calibrated on bench/faq_dev2):
            # a short clause's middling winner was the main source of wrong answers.
            piece_band, hits = self.situated(snapshot, hits, verdicts,
                                             lead=index.says_enough(query), query=query,
                                             beside=True)
            if piece_band == "high":
                entry = snapshot.entries[hits[0].entry]
                previous, previous_piece = entry.id, piece
                if all(entry.id != e.id for e, _ in answers):
                    answers.append((entry, verdicts))
                continue
            if previous is not None and hits[0].entry == previous:
                continue  # "이하에 들어가는 거 맞죠?": more about what was just answered
            unsure.append((piece, {h.entry for h in hits
                                   if hits[0].score - h.score < self.bands.margin},
                           {h.entry for h in hits}))
            if piece_band == "medium":
                candidates.append(hits[0])
                runner_up = hits[1].score if len(hits) > 1 else 0.0
                if whole and hits[0].entry == whole[0].entry and (
                        hits[0].score - runner_up >= self.bands.margin):
                    agreeing.append((len(answers), snapshot.entries[hits[0].entry], verdicts,
                                     unsure[-1]))
        if answers and agreeing:
            # A part only suggested on its own, whose best entry (clearly ahead) is also the
            # one the whole message points to, beside parts answered clearly ("얼마까지
            # 주는지, 안 쓰면 현금으로 돌려주는지"): both readings agree, it is answered too.
            # Alone (no other part clear) it is still offered, never answered.
            for at, entry, verdicts, item in reversed(agreeing):
                if all(entry.id != e.id for e, _ in answers):
                    answers.insert(at, (entry, verdicts))
                unsure.remove(item)
        # An unsure question whose best entry (or one tied with it) another question of the
        # message gets as its answer, before or after it, is about that answer (a worry told
        # as a question, then the how-to that answers it; two events each asked about with
        # "그것도 같은 건가요"): the answer covers it.
        answered = {e.id for e, _ in answers}
        unsure = [u for u in unsure if not u[1] & answered]
        asked = sum(asking)
        if asked >= 2 and unsure:
            # Several questions and not all of them clear: answering some would leave the
            # rest unsaid under a confident answer; offer each question's entry instead.
            offered = list(dict.fromkeys(
                [*(e.id for e, _ in answers), *(h.entry for h in candidates)]))
            if (not offered and not elsewhere and band != "low" and whole
                    and not any(whole[0].entry in own for _, _, own in unsure)):
                # None of them placed alone, and the entry the whole message points to is
                # none of the questions' own candidates ("우리 펜션도 되는 거래요? 얼마
                # 줘요? 매출은 4억 좀 넘어요" → the revenue rule, from the story alone):
                # offer, never answer an entry no question asks for.
                offered = [h.entry for h in whole]
            if not offered:
                return None
            suggestions = [{"id": e, "title": snapshot.entries[e].title}
                           for e in offered[:SUGGESTIONS]]
            return Reply.of("faq_ui/multi", {"count": asked, "suggestions": suggestions})
        if answers and (len(answers) >= 2 or band != "high" or elsewhere):
            self.remember(session, answers[-1][0].id, now)
            return multi_reply(snapshot, answers[:faq_parts.MAX_PARTS - 1], elsewhere)
        return None

    def _with_their_story(self, index: Index, pieces: list[str]) -> list[str]:
        """A story ending in one question that names too little to be read alone ("…월렛
        연결을 다른 채널로 바꾸고 싶어요. 누가 할 수 있어요?", "…이모티콘 만들어서 팔고
        싶은데 어떻게 시작해요?") is read with the story, unless its own few words place it
        clearly (a high score `Bands.lead` ahead: "…월렛은 어떻게 만드나요") and the story is
        not about something the channel does not answer ("손님이 카카오페이로 결제했다가
        환불해 달래요. 어떻게 취소해요?"). Otherwise the most general entry a few words reach
        ("누가" → who may apply) would answer a question about something else.
        In a message of several questions each stands alone (a short one is read after the
        question before it)."""
        asking = faq_parts.questions(pieces)
        if sum(asking) != 1:
            return pieces
        at = asking.index(True)
        query = index.query(pieces[at])
        if at == 0 or index.says_enough(query):
            return pieces
        told = " ".join(pieces[:at + 1])
        alone = index.search(pieces[at], k=2, query=query, screen=True)
        runner_up = alone[1].score if len(alone) > 1 else 0.0
        clear = bool(alone) and alone[0].score >= self.bands.high and (
            alone[0].score - runner_up >= self.bands.lead)
        if clear and index.search(told, k=1, screen=True):
            return pieces
        return [told, *pieces[at + 1:]]

    def _more_about(self, snapshot: Snapshot, previous: str, previous_piece: str, piece: str,
                    hits: list[Hit]) -> bool:
        """Whether a short question the KB cannot place on its own asks more about the entry
        just answered: read together with the question before it, that entry still wins
        clearly ("매출이 딱 10억원이면요? 이하에 들어가는 거 맞죠?"). One that names more
        ("신청은 아무 때나 되나요") may be a question of its own the KB lacks: not absorbed."""
        if not hits or hits[0].score >= self.bands.low:
            return False  # it has a topic of its own (or one the channel does not answer)
        index = snapshot.index
        both = f"{previous_piece} {piece}"
        together = index.search(both, k=CANDIDATES, screen=True)
        if not together:
            return False
        band, together = self.situated(snapshot, together, situation.judge(situation.read(both)),
                                       lead=True)
        return together[0].entry == previous and band == "high"

    def match(self, snapshot: Snapshot, text: str, session: Session, now: float,
              verdicts: situation.Verdicts | None = None) -> tuple[str, list[Hit]]:
        """Band and ranked hits; a follow-up is also read in the light of the last answer."""
        index = snapshot.index
        verdicts = verdicts or situation.Verdicts()
        query = index.query(text)  # analysed and scored once, ranked up to twice
        lead = index.says_enough(query)
        band, hits = self.situated(
            snapshot, index.search(text, k=CANDIDATES, query=query, screen=True), verdicts,
            lead, query, text=text)
        previous = self.last_entry(session, now)
        if previous in snapshot.entries and index.is_follow_up(text, query.features):
            context_band, in_context = self.situated(
                snapshot, index.search(text, k=CANDIDATES, context=previous, query=query,
                                       screen=True),
                verdicts, lead, query, text=text)
            if _BAND_ORDER[context_band] > _BAND_ORDER[band] or (
                    context_band == band and in_context and hits
                    and in_context[0].score > hits[0].score):
                return context_band, in_context
        return band, hits

    def last_entry(self, session: Session, now: float) -> str | None:
        """The entry answered last, if recent enough for a follow-up."""
        memory = session.data.get(SESSION_KEY)
        if not isinstance(memory, dict):
            return None
        if now - float(memory.get("at") or 0) > self.follow_up_window:
            return None
        return str(memory.get("id") or "") or None

    def remember(self, session: Session, entry_id: str, now: float) -> None:
        """Keep the answered entry for follow-up questions."""
        session.data[SESSION_KEY] = {"id": entry_id, "at": now}

    # -- replies --------------------------------------------------------------
    def _tapped(self, req: SkillRequest, snapshot: Snapshot) -> Entry | None:
        entry_id = req.client_extra.get(EXTRA_ENTRY)
        return snapshot.entries.get(str(entry_id)) if entry_id else None

    def _answer(self, snapshot: Snapshot, entry: Entry, session: Session, now: float,
                verdicts: situation.Verdicts | None = None) -> Reply:
        self.remember(session, entry.id, now)
        return answer_reply(snapshot, entry, verdicts)

    def _suggest(self, snapshot: Snapshot, hits: list[Hit]) -> Reply:
        suggestions = [{"id": h.entry, "title": snapshot.entries[h.entry].title}
                       for h in hits[:SUGGESTIONS]]
        return Reply.of("faq_ui/suggest", {"suggestions": suggestions})

    def browse(self, req: SkillRequest, session: Session, svc: Services) -> Reply:
        """The FAQ menu: topic cards of questions, a page at a time (or the tapped entry)."""
        snapshot = self.kb.snapshot()
        tapped = self._tapped(req, snapshot)
        if tapped is not None:
            return self._answer(snapshot, tapped, session, svc.clock())
        pages = topic_pages(snapshot)
        page = _requested_page(req, len(pages))
        return Reply.of("faq_ui/topics",
                        {"cards": pages[page - 1], "page": page, "pages": len(pages)})


# The merchant's case the eligibility rules judge (§1.2): a revenue, a time since opening,
# a business type (any of them makes a piece the case, not another question).
ELIGIBILITY_SITUATIONS = {"revenue", "opening", "business"}
# The words of a bare "does it qualify" question ("신청되나요?", "이래도 받을 수 있어요?",
# "지원 대상인가요", "그럼 신청 가능한가요"): it names no topic of its own.
WHETHER_WORDS = frozenset({"신청", "지원", "대상", "해당", "가능", "되", "돼", "수", "있", "이",
                           "그럼", "그래도", "이래도", "저", "저희", "우리", "나", "받", "거",
                           "것", "궁금하", "혹시"})


def _monthly_only(verdicts: situation.Verdicts) -> bool:
    """A month's revenue as the message's only number: every clause about it asks the yearly
    rule ("한 달 매출이 N인데 일 년으로 치면 … 되는 건가요, 안 되는 건가요")."""
    return verdicts.revenue_monthly_text is not None and verdicts.signals == ("revenue",)


def _by_numbers(entry: Entry, verdicts: situation.Verdicts) -> bool:
    """Whether the entry answers by checking the numbers the whole message is about: a
    business number ("305-91-45123 맞는 번호예요? 개인이에요 법인이에요?"), a month's revenue
    as its only number, or a price asked."""
    judged = set(entry.situations) & set(verdicts.signals)
    return bool(WHOLE_MESSAGE_SITUATIONS & judged or (
        _monthly_only(verdicts) and "revenue" in judged)
        or verdicts.asks_cost and COMPUTED_SITUATIONS & judged)


def _situations(snapshot: Snapshot, entry_id: str) -> set[str]:
    """The situations an entry judges (none for an entry not in the snapshot)."""
    entry = snapshot.entries.get(entry_id)
    return set(entry.situations) if entry is not None else set()


def _eligible(entry: Entry, verdicts: situation.Verdicts) -> bool:
    """Whether the entry gives a verdict on the merchant's own case and whether the business
    qualifies is what is asked ("년매출 2억이에요 신청되나요", "작년 매출 5천이에요. 받을 수
    있어요?"): "신청되나요" after the case is that question, not one about how to apply."""
    judged = ELIGIBILITY_SITUATIONS & set(entry.situations) & set(verdicts.signals)
    # Not the time since opening: "개업 N개월인데 …" comes before questions of every kind
    # (a held-back dev set lost a right answer to it).
    decided = (verdicts.revenue_ok is not None and "revenue" in judged
               or verdicts.business_ok is not None and "business" in judged)
    return bool(decided and verdicts.asks_eligible)


def _pieces(index: Index, text: str) -> Iterator[tuple[str, bool, situation.Verdicts]]:
    """Each clause of a message (spelling fixed), whether it asks, and its own case."""
    pieces = faq_parts.split(index.analyzer.synonyms.fix_spelling(text))
    for piece, asks in zip(pieces, faq_parts.questions(pieces), strict=True):
        yield piece, asks, situation.judge(situation.read(piece))


def _related_tie(snapshot: Snapshot, hits: list[Hit], bands: Bands) -> bool:
    """Whether the top two hits are both in the high band, too close to call, and name each
    other as related (비즈니스 채널 전환 / 비즈니스 채널이란; 세금계산서 / 발행 시기): one
    topic in two entries. The first is answered; the other is offered under it (faq_ui/more)."""
    if len(hits) < 2 or hits[1].score < bands.high:
        return False
    first, second = snapshot.entries[hits[0].entry], snapshot.entries[hits[1].entry]
    return second.id in first.related or first.id in second.related


def topic_pages(snapshot: Snapshot) -> list[list[dict[str, Any]]]:
    """Entries grouped by topic into cards of CARD_ENTRIES, PAGE_CARDS cards per page."""
    cards: list[dict[str, Any]] = []
    for entry in snapshot.ordered():
        item = {"id": entry.id, "title": entry.title}
        if cards and cards[-1]["topic"] == entry.topic and len(cards[-1]["entries"]) < CARD_ENTRIES:
            cards[-1]["entries"].append(item)
        else:
            cards.append({"topic": entry.topic, "entries": [item]})
    pages = [cards[i:i + PAGE_CARDS] for i in range(0, len(cards), PAGE_CARDS)]
    return pages or [[]]


def _requested_page(req: SkillRequest, count: int) -> int:
    raw = req.client_extra.get(EXTRA_PAGE)
    if raw is None and router.normalise(req.utterance) in MORE_WORDS:
        raw = 2
    try:
        page = int(raw or 1)
    except (TypeError, ValueError):
        page = 1
    return min(max(page, 1), count)


def init_app(app: Flask, services: Services) -> None:
    """Install the FAQ service; its index is built on first use or by warm()."""
    service = FaqService(services)
    services.faq = service
    services.warm_ups.append(service.warm)
