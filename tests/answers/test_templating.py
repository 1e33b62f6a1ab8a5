"""Operator templates: the YAML format, the sandbox, reloading, and falling back."""

from __future__ import annotations

import logging
import time

import pytest

from bot.answers.render import Renderer
from bot.answers.templating import TemplateError, TemplateStore
from bot.conversation.reply import Part, Reply


@pytest.fixture
def store(tmp_path) -> TemplateStore:
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "error.yaml").write_text("text: 죄송해요\n", encoding="utf-8")
    (tmp_path / "t").mkdir()
    return TemplateStore(tmp_path, reload_interval=0)


def write(store: TemplateStore, name: str, body: str) -> None:
    path = store.root / f"{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(body, encoding="utf-8")


def render(store, template, **context):
    return Renderer(store, strict=True).to_kakao(Reply.of(template, context))


def test_text_card_buttons_and_quick_replies(store):
    write(store, "t/card", """
outputs:
  - text: "{{ name }}님, 잔액은 {{ amount | won }}이에요."
  - card:
      title: 안내
      description: "{{ when | date_ko }}"
      buttons:
        - {label: 자세히, url: "https://example.com/{{ id }}"}
        - {label: 상담, operator: true}
quick_replies:
  - 처음으로
  - {label: 잔액, message: 월렛 잔액}
""")
    body = render(store, "t/card", name="홍길동", amount=300000, when="2026-11-21", id=7)
    outputs = body["template"]["outputs"]
    assert outputs[0] == {"simpleText": {"text": "홍길동님, 잔액은 300,000원이에요."}}
    card = outputs[1]["textCard"]
    assert card["description"] == "2026년 11월 21일(토)"
    assert card["buttons"][0] == {"label": "자세히", "action": "webLink",
                                  "webLinkUrl": "https://example.com/7"}
    assert card["buttons"][1]["action"] == "operator"
    qrs = body["template"]["quickReplies"]
    assert [q["messageText"] for q in qrs] == ["처음으로", "월렛 잔액"]


def test_if_and_for_on_list_items(store):
    write(store, "t/loop", """
outputs:
  - text: 공고 목록
  - carousel:
      items:
        - for: n in notices
          title: "{{ n.title }}"
          description: "{{ n.org }}"
          buttons:
            - {label: 보기, url: "{{ n.url }}", if: n.url}
  - text: 더 있어요
    if: more
""")
    notices = [{"title": "제목: #1 '따옴표'", "org": "중기부", "url": "https://a.kr"},
               {"title": "두번째", "org": "소진공", "url": ""}]
    body = render(store, "t/loop", notices=notices, more=False)
    outputs = body["template"]["outputs"]
    assert len(outputs) == 2
    items = outputs[1]["carousel"]["items"]
    assert items[0]["title"] == "제목: #1 '따옴표'"  # data never breaks the YAML
    assert "buttons" not in items[1] or items[1]["buttons"] == []


def test_quick_replies_can_reuse_another_template(store):
    write(store, "t/menu", "partial: true\nquick_replies: [가, 나]\n")
    write(store, "t/uses", "text: 메뉴\nquick_replies:\n  - use: t/menu\n  - 다\n")
    body = render(store, "t/uses")
    assert [q["label"] for q in body["template"]["quickReplies"]] == ["가", "나", "다"]


def test_parts_concatenate_and_quiet_parts_drop_their_quick_replies(store):
    write(store, "t/a", "text: 첫째\nquick_replies: [하나]\n")
    write(store, "t/b", "text: 둘째\nquick_replies: [둘, 하나]\n")
    renderer = Renderer(store, strict=True)
    body = renderer.to_kakao(Reply.of("t/a").then(Reply.of("t/b")))
    assert [q["label"] for q in body["template"]["quickReplies"]] == ["하나", "둘"]
    body = renderer.to_kakao(Reply.of("t/a").quiet().then(Reply.of("t/b")))
    assert len(body["template"]["outputs"]) == 2
    assert [q["label"] for q in body["template"]["quickReplies"]] == ["둘", "하나"]


@pytest.mark.parametrize("attack", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ settings.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ names.append(1) }}",
])
def test_sandbox_blocks_escapes_and_falls_back_without_taking_the_skill_down(store, attack,
                                                                             caplog):
    write(store, "t/evil", f'text: "{attack}"\n')
    with pytest.raises(TemplateError):
        store.render_spec("t/evil", {"names": []})
    renderer = Renderer(store, strict=True)
    with caplog.at_level(logging.ERROR):
        body = renderer.to_kakao(Reply.of("t/evil", {"names": []}))
    assert body["template"]["outputs"] == [{"simpleText": {"text": "죄송해요"}}]
    assert renderer.errors and "t/evil" in renderer.errors[0]


def test_undefined_variable_is_an_error_naming_the_file(store):
    write(store, "t/typo", 'text: "{{ amout }}"\n')
    with pytest.raises(TemplateError, match="t/typo"):
        store.render_spec("t/typo", {"amount": 1})


def test_broken_yaml_is_an_error_naming_the_file(store):
    write(store, "t/bad", "text: [unclosed\n")
    with pytest.raises(TemplateError, match="t/bad.*YAML"):
        store.spec("t/bad")


def test_edits_are_picked_up_without_restart(store):
    write(store, "t/live", "text: 처음\n")
    assert store.render_spec("t/live", {})["text"] == "처음"
    time.sleep(0.01)
    write(store, "t/live", "text: 바뀜\n")
    path = store.path("t/live")
    import os

    os.utime(path, (time.time() + 5, time.time() + 5))
    assert store.render_spec("t/live", {})["text"] == "바뀜"


def test_settings_are_available_to_every_template(store):
    (store.root / "settings.yaml").write_text("center_name: 지원센터\n", encoding="utf-8")
    write(store, "t/s", 'text: "{{ settings.center_name }}"\n')
    assert store.render_spec("t/s", {})["text"] == "지원센터"


def test_configuration_globals_reach_text_and_conditions_but_a_context_wins(tmp_path):
    (tmp_path / "t").mkdir()
    store = TemplateStore(tmp_path, template_globals={"draft_days": 3})
    write(store, "t/g", "outputs:\n  - text: \"{{ draft_days }}일\"\n    if: draft_days > 1\n")
    assert store.render_spec("t/g", {})["outputs"] == [{"text": "3일"}]
    assert store.render_spec("t/g", {"draft_days": 1})["outputs"] == []


def test_over_long_text_is_split_in_production_and_raises_in_strict(store):
    write(store, "t/long", 'text: "{{ body }}"\n')
    body = "사장님 안녕하세요. " * 150
    lenient = Renderer(store, strict=False).to_kakao(Reply.of("t/long", {"body": body}))
    assert 2 <= len(lenient["template"]["outputs"]) <= 3
    from bot.kakao.limits import ResponseInvalid

    with pytest.raises(ResponseInvalid, match="simpleText"):
        Renderer(store, strict=True).to_kakao(Reply.of("t/long", {"body": body}))


def test_part_with_context_renders_through_render_part(store):
    write(store, "t/p", 'text: "{{ x }}"\nquick_replies: [a]\n')
    renderer = Renderer(store, strict=True)
    assert renderer.render_part(Part("t/p", {"x": 1}, quick_replies=False)) == {
        "outputs": [{"simpleText": {"text": "1"}}], "quick_replies": []}


def test_a_tag_ending_a_line_of_text_keeps_the_line_break(store):
    write(store, "t/lines", """
text: |
  이렇게 적어 주세요{% if example %}: {{ example }}{% endif %}
  계속 어려우시면 상담원이 도와드릴게요.
  {% if more %}
  더 있어요
  {% endif %}
  끝
""")
    text = store.render_spec("t/lines", {"example": "010-1234-5678", "more": False})["text"]
    assert text == "이렇게 적어 주세요: 010-1234-5678\n계속 어려우시면 상담원이 도와드릴게요.\n끝"


def test_a_file_saved_in_another_encoding_is_an_error_naming_the_file(store):
    (store.root / "t" / "euc.yaml").write_bytes("text: 안녕하세요\n".encode("cp949"))
    with pytest.raises(TemplateError, match="t/euc.*UTF-8"):
        store.spec("t/euc")
    body = Renderer(store, strict=True).to_kakao(Reply.of("t/euc"))
    assert body["template"]["outputs"] == [{"simpleText": {"text": "죄송해요"}}]


def test_an_unknown_filter_is_caught_when_the_file_loads(store):
    write(store, "t/filter", 'outputs:\n  - text: "{{ amount | wonn }}"\n    if: amount\n')
    with pytest.raises(TemplateError, match="t/filter.*No filter named 'wonn'"):
        store.spec("t/filter")
    write(store, "t/loop", "outputs:\n  - text: 하나\n    for: n notices\n")
    with pytest.raises(TemplateError, match="t/loop.*for: n notices"):
        store.spec("t/loop")
