"""자주 묻는 질문: knowledge base, matcher bands, memory, unanswered log, check, fallback, forms."""

from __future__ import annotations

import os
import re
import shutil
import threading

import pytest
import yaml

from bot.conversation import router
from bot.core.config import ROOT
from bot.faq import coverage as faq_coverage
from bot.faq import knowledge as faq
from bot.faq.match import Bands, Hit, Synonyms
from tests.conftest import TEST_TEMPLATES
from tests.support import demo_skill

demo_skill.register()


def service(app):
    """The installed FAQ service."""
    return app.extensions["bot"].services.faq


@pytest.fixture
def clock(app):
    """Freeze the services' clock and let the test move it."""
    now = [1_800_000_000.0]
    app.extensions["bot"].services.clock = lambda: now[0]
    return now


@pytest.fixture
def own_templates(tmp_path, make_app):
    """An app whose first template folder is a scratch copy the test may edit."""
    def build(copy_faq: bool = False):
        root = tmp_path / "templates"
        (root / "faq").mkdir(parents=True)
        shutil.copy(ROOT / "templates" / "settings.yaml", root / "settings.yaml")
        if copy_faq:
            shutil.copytree(ROOT / "templates" / "faq", root / "faq", dirs_exist_ok=True)
        dirs = os.pathsep.join([str(root), str(ROOT / "templates"), str(TEST_TEMPLATES)])
        return root, make_app(TEMPLATES_DIR=dirs)
    return build


# -- the knowledge base ----------------------------------------------------------
def test_every_entry_is_reached_by_each_of_its_own_examples(app):
    snapshot = service(app).kb.snapshot()
    bands = service(app).bands
    assert len(snapshot.entries) >= 30
    for entry in snapshot.entries.values():
        assert len(entry.examples) >= faq.MIN_EXAMPLES, entry.id
        for example in entry.examples:
            hits = snapshot.index.search(example)
            assert hits[0].entry == entry.id, (entry.id, example, hits)
            assert bands.of(hits) == "high", (entry.id, example, hits)


def test_each_entry_answers_through_the_fallback_with_its_related_chips(chat, app):
    snapshot = service(app).kb.snapshot()
    for entry in snapshot.entries.values():
        # The keyword router may send a request to its skill first ("상담원이랑 얘기하려면…").
        example = next(e for e in reversed(entry.examples) if router.route(e) is None)
        said = chat.say(example)
        assert said.template == entry.template, (example, said.templates)
        for related in entry.related:
            assert snapshot.entries[related].title in said.quick_replies
        for action in entry.actions:
            assert action["label"] in said.quick_replies


@pytest.mark.parametrize("text, entry", [
    ("신청 어떻게 하나요", "apply_how"), ("신청어떻게해요", "apply_how"),
    ("신청한거 어떻게됐어요", "apply_status_howto"),
    ("이거 누가 신청할수있어요", "eligibility"), ("공짜에요?", "is_free"),
    ("이거 뭐하는거에요", "program_what"),
])
def test_the_most_basic_questions_get_their_answer(chat, text, entry):
    said = chat.say(text)
    assert said.template == f"faq/{entry}", said.templates


def test_how_to_apply_is_never_answered_with_the_re_application_entry(chat):
    for text in ("신청 어떻게 하나요", "신청 어케함", "신청은 어떻게 해요?", "신청하는 방법"):
        assert chat.say(text).template not in ("faq/receive_again", "faq_ui/suggest"), text


def test_a_status_question_offers_the_status_skill(chat):
    said = chat.say("신청한거 어떻게됐어요")
    assert "신청 현황" in said.quick_replies
    assert chat.tap("신청 현황").template.startswith("apply")


def test_an_ad_rule_question_in_dialect_reaches_the_night_rule(chat):
    said = chat.say("밤에 광고 보내믄 안되나")
    assert said.template == "faq/ad_night"
    assert "8시 50분" in said.text and "9시" in said.text


def test_tapping_a_related_chip_answers_that_entry_whatever_the_label(chat):
    chat.say("월렛이 뭐예요")
    said = chat.tap("사업자 월렛 만들기")
    assert said.template == "faq/wallet_create"
    said = chat.say("아무 말", extra={"faq": "refund"})
    assert said.template == "faq/refund"


def test_unconfirmed_facts_come_from_settings_with_the_operator_button(chat, app):
    said = chat.say("지원금 만료일이 있나요")
    assert said.template == "faq/cash_expiry"
    settings = app.extensions["bot"].templates.settings()
    assert settings["cash_expiry"] in said.text
    assert any(b["action"] == "operator" for b in said.buttons)


def test_an_action_chip_routes_to_its_skill(chat):
    chat.say("신청할 때 뭐가 필요해요?")
    assert chat.last.template == "faq/apply_prepare"
    said = chat.tap("지원금 신청")
    assert not said.template.startswith("faq")


# -- synonyms and spelling ----------------------------------------------------------
@pytest.mark.parametrize("text", ["지갑이 뭐예요", "비즈 월렛이 뭔가요", "웰렛이 머에요",
                                  "월렛이뭐에요"])
def test_synonyms_typos_and_spacing_reach_the_same_entry(chat, text):
    assert chat.say(text).template == "faq/wallet_what"


@pytest.mark.parametrize("text, entry", [
    ("유상캐쉬는 환불 돼요?", "refund"),  # 캐쉬 for 캐시
    ("엑셀 파일로 된 고객 명단 올려서 보낼 수 있어요?", "customer_file"),
    ("카카오 모먼트 광고비로 결제해도 돼요?", "usage"),
])
def test_common_spellings_and_tool_names_reach_their_entry(chat, text, entry):
    assert chat.say(text).template == f"faq/{entry}"


def test_synonym_groups_fold_variants_to_the_first_word():
    synonyms = Synonyms([["채널", "톡채널", "카톡 채널"], ["유상캐시"], ["캐시", "포인트"]],
                        {"머에요": "뭐예요"})
    assert synonyms.apply("카톡채널 만들기") == "채널 만들기"
    assert synonyms.apply("톡 채널") == "채널"
    assert synonyms.apply("유상캐시 포인트") == "유상캐시 캐시"  # a longer word is not split
    assert synonyms.apply("이게 머에요") == "이게 뭐예요"


def test_a_spelling_fix_is_only_applied_as_typed_never_across_words():
    synonyms = Synonyms([["비즈월렛", "비즈 월렛"]], {"은제": "언제", "얼마나돼": "얼마나 돼"})
    assert synonyms.apply("돈은 은제 들어와요") == "돈은 언제 들어와요"
    assert synonyms.apply("충전은 제가 해놨어요") == "충전은 제가 해놨어요"  # not '충전언제가'
    assert synonyms.apply("비즈 월렛") == "비즈월렛"  # a word is found however it is spaced


def test_operators_extend_synonyms_without_code(own_templates):
    root, app = own_templates()
    kb = service(app).kb
    assert service(app).bands.of(kb.snapshot().index.search("뽀로로가 뭐예요")) == "low"
    (root / "faq_synonyms.yaml").write_text(
        (ROOT / "templates" / "faq_synonyms.yaml").read_text(encoding="utf-8")
        .replace("synonyms:\n", "synonyms:\n  - [월렛, 뽀로로]\n", 1), encoding="utf-8")
    kb._checked = float("-inf")  # the next lookup re-reads the files (normally every few s)
    hits = kb.snapshot(wait=True).index.search("뽀로로가 뭐예요")
    assert hits[0].entry == "wallet_what" and service(app).bands.of(hits) == "high"


def test_the_index_is_rebuilt_when_an_entry_file_changes(own_templates):
    root, app = own_templates(copy_faq=True)
    kb = service(app).kb
    now = [0.0]
    kb.clock = lambda: now[0]
    kb._checked = float("-inf")
    before = kb.snapshot()
    path = root / "faq" / "topup.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  examples:\n", "  examples:\n    - 뽀로로 충전소는 어디 있나요\n", 1), encoding="utf-8")
    os.utime(path, (1e9, 2e9))  # a new mtime even on coarse file systems
    now[0] += 1.0
    assert kb.snapshot() is before  # not re-checked within RELOAD_INTERVAL
    now[0] += faq.RELOAD_INTERVAL
    kb.snapshot()  # finds the change and rebuilds in the background: questions never wait
    after = kb.snapshot(wait=True)
    assert after is not before
    assert after.index.search("뽀로로 충전소는 어디 있나요")[0].entry == "topup"


def test_a_question_never_waits_for_a_rebuild(own_templates, monkeypatch):
    root, app = own_templates(copy_faq=True)
    kb = service(app).kb
    before = kb.snapshot()
    started, release = threading.Event(), threading.Event()
    build = faq._build

    def slow_build(*args):
        started.set()
        release.wait(10)
        return build(*args)

    monkeypatch.setattr(faq, "_build", slow_build)
    path = root / "faq" / "topup.yaml"
    os.utime(path, (1e9, 3e9))
    kb._checked = float("-inf")
    assert kb.snapshot() is before and started.wait(5)  # the rebuild runs, the answer is old
    kb._checked = float("-inf")
    assert kb.snapshot() is before  # still building: one rebuild, nobody waits
    release.set()
    assert kb.snapshot(wait=True) is not before


# -- confidence bands ---------------------------------------------------------------
def test_bands_answer_suggest_or_admit():
    bands = Bands(high=0.4, low=0.28, margin=0.06, sure=0.75)
    assert bands.of([Hit("a", 0.5), Hit("b", 0.2)]) == "high"
    assert bands.of([Hit("a", 0.5), Hit("b", 0.47)]) == "medium"  # too close to call
    assert bands.of([Hit("a", 0.8), Hit("b", 0.79)]) == "high"  # both near-certain
    assert bands.of([Hit("a", 0.3), Hit("b", 0.25)]) == "medium"
    assert bands.of([Hit("a", 0.35), Hit("b", 0.2)]) == "medium"
    assert bands.of([Hit("a", 0.35), Hit("b", 0.2)], lead=True) == "high"  # a clear winner
    assert bands.of([Hit("a", 0.29), Hit("b", 0.1)], lead=True) == "medium"  # ahead, too weak
    assert bands.of([Hit("a", 0.2)]) == "low"
    assert bands.of([]) == "low"


def test_high_band_answers(chat):
    said = chat.say("월렛이 머에요")
    assert said.template == "faq/wallet_what"
    assert said.templates == ["faq/wallet_what", "faq_ui/more"]


def test_medium_band_offers_the_top_three_as_quick_replies(chat, app):
    said = chat.say("지원금 얼마나 줘요")
    assert said.template == "faq_ui/suggest"
    suggestions = said.context["suggestions"]
    assert len(suggestions) == 3 and suggestions[0]["id"] == "amount"
    assert [s["title"] for s in suggestions] == said.quick_replies[:3]
    assert "상담원 연결" in said.quick_replies
    assert chat.tap(suggestions[0]["title"]).template == "faq/amount"


def test_low_band_is_honest_offers_the_operator_and_logs_the_question(chat, app, redis):
    said = chat.say("오늘 날씨 어때")
    assert said.template == "fallback/unknown"
    assert any(b["action"] == "operator" for b in said.buttons)
    assert "상담원 연결" in said.quick_replies and "자주 묻는 질문" in said.quick_replies
    rows = service(app).unanswered.top(10)
    assert [(q, c) for q, c, _ in rows] == [("오늘 날씨 어때", 1)]


# -- unanswered log ---------------------------------------------------------------
def test_unanswered_questions_are_masked_counted_and_listed(chat, app, redis, runner, clock):
    other = chat.as_user("u-chat-0002")
    chat.say("제 번호 010-1234-5678 로 전화 좀 부탁드려요")
    clock[0] += 60
    other.say("제 번호 010-9876-5432 로 전화 좀 부탁드려요")
    rows = service(app).unanswered.top(10)
    assert rows == [("제 번호 ***-****-**** 로 전화 좀 부탁드려요", 2, int(clock[0]))]
    keys = app.extensions["bot"].services.keys
    stored = [k for k in redis.scan_iter(match=keys.faq_unanswered() + "*")]
    dumped = " ".join([*stored, *redis.zrange(keys.faq_unanswered(), 0, -1),
                       *map(str, redis.hgetall(keys.faq_unanswered_seen()).items())])
    assert "5678" not in dumped and chat.user_id not in dumped and "u-chat-0002" not in dumped
    result = runner.invoke(args=["faq", "unanswered"])
    assert result.exit_code == 0 and "    2  " in result.output
    assert "***-****-****" in result.output
    assert "비슷한 질문" in result.output and "flask faq attach" in result.output
    cleared = runner.invoke(args=["faq", "unanswered", "--clear"])
    assert cleared.exit_code == 0 and "답하지 못한 질문 목록을 비웠어요" in cleared.output
    assert service(app).unanswered.top(10) == []
    assert "답하지 못한 질문이 없어요" in runner.invoke(args=["faq", "unanswered"]).output


def test_the_unanswered_log_keeps_only_the_most_asked(app, monkeypatch):
    monkeypatch.setattr(faq, "UNANSWERED_CAP", 3)
    log = service(app).unanswered
    for text in ("가?", "가?", "나?", "나?", "다?", "라?"):
        log.record(text, 1.0)
    kept = [q for q, _, _ in log.top(10)]
    assert sorted(kept[:2]) == ["가?", "나?"] and len(kept) == 3  # asked twice: both kept


# -- follow-up memory -------------------------------------------------------------
def test_a_follow_up_is_read_in_the_light_of_the_last_answer(chat, app, clock):
    assert chat.as_user("u-fresh").say("신규는요?").template == "faq_ui/suggest"  # no context
    assert chat.say("누가 받을 수 있어요?").template == "faq/eligibility"
    assert chat.say("신규는요?").template == "faq/eligibility_new_business"
    assert chat.say("누가 받을 수 있어요?").template == "faq/eligibility"
    assert chat.say("그럼 법인은요?").template == "faq/eligibility_corporate"


def test_the_memory_fades(chat, clock):
    chat.say("누가 받을 수 있어요?")
    clock[0] += 3600
    assert chat.say("신규는요?").template == "faq_ui/suggest"


# -- flask faq check ----------------------------------------------------------------
def test_faq_check_passes_on_the_shipped_knowledge_base(runner):
    result = runner.invoke(args=["faq", "check"])
    assert result.exit_code == 0, result.output
    assert re.search(r"✓ FAQ 항목 \d+개, 예시 질문 [\d,]+개 모두 괜찮아요", result.output)


def test_faq_check_fails_on_a_broken_entry(own_templates):
    root, app = own_templates()
    (root / "faq" / "broken.yaml").write_text(
        "faq:\n  title: 월렛 잔액 얼마나 남았나요 확인\n  topic: 테스트\n"
        "  examples: [월렛이 뭐예요, 두 번째 질문]\n  related: [no_such_entry]\n"
        "text: '{{ undefined_value }}'\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["faq", "check"])
    assert result.exit_code == 1
    out = result.output  # in Korean, each problem with its code
    assert "faq/broken.yaml" in out
    assert out.count("값 'undefined_value'이(가) 없어요") == 1  # does not render: said once
    assert "예시 질문이 2개예요. 다른 말투로 6개 이상 적어 주세요. [faq.few_examples]" in out
    assert "14자보다 길어요" in out and "[faq.long_title]" in out and "[faq.title_routed]" in out
    assert "faq.related에 적힌 'no_such_entry' 항목이 없어요. [faq.unknown_link]" in out
    assert "예시 '월렛이 뭐예요?'은(는) broken 항목의 예시이기도 해요" in out  # shared
    assert "문제 " in out and "(FAQ 항목 " in out
    assert "example questions" not in out and "is also an example of" not in out


def test_faq_check_maps_every_section_of_the_program_facts_to_entries(runner):
    result = runner.invoke(args=["faq", "check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "program-facts.md 중 어느 절을 어느 항목이 답하나요 (§1, §4, §5):"
    for section in ("§1.1", "§1.2", "§1.3", "§1.4", "§1.5", "§1.6", "§1.7", "§4", "§5"):
        row = next(line for line in lines if line.strip().startswith(f"✓ {section} "))
        assert "항목 없음" not in row
    assert not any(line.strip().startswith("✗") for line in lines)
    ad_rules = next(line for line in lines if line.strip().startswith("✓ §5 "))
    assert "ad_night" in ad_rules


def test_faq_check_fails_when_a_section_has_no_entry_left(tmp_path, make_app):
    root = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", root)
    for path in (root / "faq").glob("*.yaml"):  # every entry that cites the ad rules
        block = yaml.safe_load(path.read_text(encoding="utf-8"))["faq"]
        cited = block.get("source") or []
        if "§5" in ([cited] if isinstance(cited, str) else cited):
            path.unlink()
    (root / "faq" / "no_source.yaml").write_text(
        "faq:\n  title: 출처 없는 질문\n  topic: 테스트\n  source: \"§9.9\"\n"
        "  examples: [뽀로로 하나, 뽀로로 둘, 뽀로로 셋, 뽀로로 넷, 뽀로로 다섯, 뽀로로 여섯]\n"
        "text: 안녕하세요\n", encoding="utf-8")
    app = make_app(TEMPLATES_DIR=os.pathsep.join([str(root), str(TEST_TEMPLATES)]))
    result = app.test_cli_runner().invoke(args=["faq", "check"])
    assert result.exit_code == 1
    # The title comes from program-facts.md when it is beside the repo, else from the kept list.
    assert re.search(r"✗ §5 [^\n]*\(0\): 항목 없음", result.output)
    assert re.search(r"program-facts.md §5 \(Advertising-message rules[^\n]*\)에 답하는 FAQ "
                     r"항목이 없어요[^\n]*\[coverage.uncovered\]", result.output)
    assert ("faq/no_source.yaml: faq.source의 '§9.9'은(는) program-facts.md에 없는 절이에요. "
            "[coverage.unknown_source]") in result.output
    assert "has no FAQ entry" not in result.output


ENTRY = ("faq:\n  title: 뽀로로\n  topic: 테스트\n  source: settings\n"
         "  examples: [뽀로로 하나, 뽀로로 둘, 뽀로로 셋, 뽀로로 넷, 뽀로로 다섯, 뽀로로 여섯]\n")


@pytest.mark.parametrize("change, said, code", [
    (("title: 뽀로로", "title: ''"), "faq.title(제목)이 비어 있어요.", "entry.no_title"),
    (("examples: [", "examples: 뽀로로 [ "), "faq.examples(예시 질문)는 한 줄에 하나씩",
     "entry.bad_examples"),
    (("topic: 테스트", "topic: 테스트\n  related: eligibility"),
     "faq.related은(는) '- '로 시작하는 목록", "entry.not_list"),
    (("topic: 테스트", "topic: 테스트\n  actions: [{message: 신청}]"),
     "faq.actions의 버튼마다 이름(label)을 적어 주세요", "entry.action_no_label"),
    (("source: settings", "source: {a: 1}"), "faq.source에는 답이 나온 program-facts.md의 절",
     "entry.bad_source"),
    (("topic: 테스트", "topic: 테스트\n  order: 먼저"),
     "faq.order(보이는 순서)는 숫자로 적어 주세요 (지금: 먼저)", "entry.bad_order"),
])
def test_faq_check_says_why_an_entry_cannot_be_read_in_korean(own_templates, change, said, code):
    root, app = own_templates()
    (root / "faq" / "pororo.yaml").write_text(ENTRY.replace(*change) + "text: 안녕하세요\n",
                                             encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["faq", "check"])
    assert result.exit_code == 1
    assert f"✗ faq/pororo.yaml: {said}" in result.output and f"[{code}]" in result.output
    assert "must be" not in result.output and "needs a" not in result.output  # the logs' English


@pytest.mark.parametrize("file, text, said, code", [
    ("faq_synonyms.yaml", "synonyms: [1, 2\n", "YAML 형식이 맞지 않아요 (2번째 줄 근처)",
     "template.yaml"),
    ("faq_synonyms.yaml", "- 월렛\n", "동의어 파일은 synonyms:", "words.not_mapping"),
    ("faq_outside.yaml", "topics: []\n", "다루지 않는 주제 파일에는 outside:", "words.no_outside"),
    ("faq_outside.yaml", "outside:\n  - examples: [세금]\n", "다루지 않는 주제마다 이름(name)",
     "words.topic_no_name"),
    ("faq_outside.yaml", "outside:\n  - name: 세금\n",
     "다루지 않는 주제 '세금'에 예시 질문(examples)이 없어요", "words.topic_no_examples"),
])
def test_faq_check_says_why_a_word_list_cannot_be_read_in_korean(own_templates, file, text,
                                                                  said, code):
    root, app = own_templates()
    (root / file).write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["faq", "check"])
    assert result.exit_code == 1
    assert f"✗ {file}: {said}" in result.output and f"[{code}]" in result.output
    assert "while parsing" not in result.output and "must be" not in result.output


def test_faq_check_verbose_words_its_advice_in_korean(runner, app, monkeypatch):
    monkeypatch.setattr(faq, "leave_one_out", lambda snapshot, bands: [
        ("refund", "환불 돼요?", "medium", "topup"), ("refund", "돈 돌려줘요", "low", "-")])
    result = runner.invoke(args=["faq", "check", "-v"])
    assert result.exit_code == 0, result.output
    assert ("· refund: 예시 '환불 돼요?'을(를) 빼면 topup이(가) 가져가요 (추천만 함). "
            "비슷한 표현을 하나 더 적어 주세요.") in result.output
    assert "· refund: 예시 '돈 돌려줘요'을(를) 빼면 아무 항목도 못 찾아요 (모름)." in result.output


def test_sections_are_read_from_the_facts_file_or_the_kept_list(tmp_path):
    facts = tmp_path / "facts.md"
    facts.write_text("# Title\n## 1. The program\n### 1.1 What it is\n### 1.2 Who\n"
                     "## 4. Channel\n## 5. Ads\n## 6. Open\n", encoding="utf-8")
    sections = faq_coverage.read_sections(facts)
    assert list(sections) == ["§1", "§1.1", "§1.2", "§4", "§5", "§6"]
    assert faq_coverage.required_sections(sections) == ("§1.1", "§1.2", "§4", "§5")
    assert faq_coverage.read_sections(tmp_path / "absent.md") == faq_coverage.KNOWN_SECTIONS
    cover = faq_coverage.coverage({"a": ("§1.1",), "b": ("§4", "settings")}, sections)
    assert cover.missing() == ["§1.2", "§5"]
    assert faq_coverage.normalise("1.5") == faq_coverage.normalise("§ 1.5") == "§1.5"


def test_faq_check_fails_on_a_missing_faq_block(own_templates):
    root, app = own_templates()
    (root / "faq" / "plain.yaml").write_text("text: 안녕하세요\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["faq", "check"])
    assert result.exit_code == 1
    assert "✗ faq/plain.yaml: 'faq:' 부분이 없어요" in result.output
    assert "[entry.no_block]" in result.output and "missing" not in result.output


# -- fallback, router and the menu ----------------------------------------------------
@pytest.mark.parametrize("text, target", [
    ("월렛이 뭐예요", None), ("잔액이 왜 안 보여요", None), ("신청하려면 뭐가 필요해요", None),
    ("공고 알림 어떻게 받아요", None), ("잔액 알려줘", "wallet"), ("지원금 신청", "apply"),
    ("공고 뭐 있어?", "notices"), ("질문 더 보기", "faq"), ("충전한 거 환불 받고 싶어요", None),
    ("남은 캐시 환급 돼요?", None), ("정책 소식 받고 싶어요", None), ("캐시 받고 싶어요", "apply"),
])
def test_questions_about_a_skill_reach_the_faq_requests_reach_the_skill(text, target):
    assert router.route(text) == target


def test_the_fallback_asks_the_faq_after_routing(chat):
    assert chat.say("무상캐시가 잔액에 안 보여요").template == "faq/cash_not_showing"
    assert chat.say("잔액 알려줘").template != "faq/cash_not_showing"


def test_the_faq_menu_lists_topics_and_pages(chat, app):
    said = chat.say("자주 묻는 질문")
    assert said.template == "faq_ui/topics"
    assert said.context["page"] == 1 and said.context["pages"] >= 2
    first = said.cards[0]["items"][0]
    assert first["action"] == "message" and first["extra"]["faq"] == "eligibility"
    shown = [e["id"] for card in said.context["cards"] for e in card["entries"]]
    while "질문 더 보기" in said.quick_replies:
        page = said.context["page"]
        said = chat.tap("질문 더 보기")
        assert said.context["page"] == page + 1
        shown += [e["id"] for card in said.context["cards"] for e in card["entries"]]
    assert sorted(shown) == sorted(service(app).kb.snapshot().entries)  # each listed once
    tapped = chat.say(first["messageText"], extra=first["extra"])
    assert tapped.template == "faq/eligibility"


@pytest.fixture
def at_size_step(chat):
    """The demo form opened and its first question (the name) answered."""
    chat.say("시작", skill="demo")
    assert chat.say("홍길동").template == "demo/ask_size"
    return chat


def test_an_unfinished_form_is_still_offered_for_unknown_text(at_size_step, chat, app):
    app.extensions["bot"].services.sessions.clear(chat.user_id)
    assert chat.say("음 그러니까").template == "dialog/resume_offer"


# -- inside a form ------------------------------------------------------------------
def test_a_confident_question_inside_a_form_is_answered_then_the_step_asked_again(
        at_size_step, chat):
    said = chat.say("월렛이 뭐예요?")
    assert said.templates[0] == "faq/wallet_what"
    assert "demo/ask_size" in said.templates
    assert "faq_ui/more" not in said.templates  # no FAQ chips inside a form
    assert chat.say("작음").template == "demo/ask_phone"


def test_an_unsure_text_inside_a_form_stays_the_forms_business(at_size_step, chat, app):
    said = chat.say("글쎄요 뭘까요?")
    # A question the FAQ cannot answer gets the step's help, then the step again.
    assert said.templates[0] == "dialog/help" and "demo/ask_size" in said.templates
    assert service(app).unanswered.top(10) == []  # form answers are not logged


def test_two_related_entries_too_close_to_call_are_one_topic(app):
    from bot.faq import situation

    faq = app.extensions["bot"].services.faq
    snapshot = faq.kb.snapshot(wait=True)
    tie = [Hit("tax_invoice", 0.57), Hit("tax_invoice_when", 0.565)]  # name each other
    assert faq.situated(snapshot, tie, situation.Verdicts())[0] == "high"
    apart = [Hit("ad_night", 0.57), Hit("bizno_format", 0.565)]  # unrelated: too close to call
    assert faq.situated(snapshot, apart, situation.Verdicts())[0] == "medium"
    weak = [Hit("tax_invoice", 0.41), Hit("tax_invoice_when", 0.395)]  # the second: no answer
    assert faq.situated(snapshot, weak, situation.Verdicts())[0] == "medium"


def test_sending_to_customers_who_are_not_friends_names_the_alimtalk_way(chat):
    said = chat.say("친구 아닌 손님 전화번호로 보낼 수 있어요")
    assert said.templates[0] == "faq/message_recipients"
    assert "친구로 추가한 분에게만" in said.text and "정보성 알림톡" in said.text
