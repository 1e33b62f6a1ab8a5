"""Hostile operator templates cannot burn a worker: each limit, in a temp templates folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.answers import template_limits as limits
from bot.answers.templating import TemplateError, TemplateStore, render_deadline
from bot.core.config import ROOT
from tests.support.payloads import make_payload
from tests.web.test_webhook import assert_valid_kakao, post

HOSTILE = {
    "nested_loops": ("{% for i in range(1000) %}{% for j in range(1000) %}{{ '' }}"
                     "{% endfor %}{% endfor %}끝", "loop iterations"),
    "big_range": ("{% for i in range(100000) %}{% endfor %}끝", "range()"),
    "string_times": ("{{ ('a' * 10**8) | length }}", "'*' would build"),
    "list_times": ("{{ ([1, 2] * 100000) | length }}", "'*' would build"),
    "huge_power": ("{{ 7 ** 100000 }}", "'**'"),
    "doubling": ("{% set ns = namespace(s='a') %}{% for i in range(40) %}"
                 "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}", "'~'"),
    "center": ("{{ '가' | center(100000000) }}", "center"),
    "ljust": ("{{ '가'.ljust(100000000) }}", "ljust"),
    "percent_width": ("{{ '%100000000s' % '가' }}", "widths"),
    "format_width": ("{{ '{:>100000000}'.format('가') }}", "widths"),
    "replace": ("{% set s = 'a' * 20000 %}{{ s.replace('a', s) | length }}", "this large"),
    "output": ("{% for i in range(1000) %}{{ 'x' * 19000 }}{% endfor %}", "characters"),
    "recursive_loop": ("{% for i in range(1000) recursive %}{{ loop(range(1000)) }}"
                       "{% endfor %}", ""),
    "yaml_for": (None, "loop iterations"),
}


def write(folder: Path, name: str, text: str) -> None:
    path = folder / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    for name, (source, _) in HOSTILE.items():
        if source is None:  # 1,000 × 1,000 cards through the YAML `for:` key
            write(tmp_path, f"bad/{name}", "outputs:\n  - for: i in range(1000)\n    text: >-\n"
                  "      {% for j in range(1000) %}{% endfor %}{{ i }}\n")
        else:
            write(tmp_path, f"bad/{name}", "text: |-\n  " + source + "\n")
    return tmp_path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_limit_stops_the_template_quickly_and_names_it(hostile, name):
    store = TemplateStore(hostile)
    started = time.thread_time()  # CPU spent, so a busy machine cannot fail the test
    with pytest.raises(TemplateError) as raised:
        store.render_spec(f"bad/{name}", {})
    assert time.thread_time() - started < limits.RENDER_SECONDS + 0.5
    assert raised.value.name == f"bad/{name}"
    assert HOSTILE[name][1] in raised.value.message


def test_the_time_limit_counts_the_renders_own_cpu_not_a_busy_machine():
    with limits.budget(0.05) as spent:
        time.sleep(0.1)  # waiting for a core (a loaded machine) costs the template nothing
        for _ in range(limits.CPU_CHECK_EVERY * 2):
            spent.tick()
        started = time.thread_time()
        with pytest.raises(limits.TemplateLimitError, match="rendering took longer") as raised:
            while time.thread_time() - started < 1:  # a runaway computation
                spent.tick()
    assert time.thread_time() - started < 0.5
    assert raised.value.code == "limit.cpu"


def test_ordinary_template_arithmetic_still_works(tmp_path):
    write(tmp_path, "ok/maths", "text: |-\n  {{ '%d원' % 300000 }} {{ '{:,}'.format(300000) }} "
          "{{ [1, 2] * 3 }} {{ 'ab' ~ 'cd' }} {{ 2 ** 10 }} {{ '-' * 20 }}"
          "{% for i in range(3) %}{{ loop.index }}/{{ loop.length }}{% endfor %}\n")
    text = TemplateStore(tmp_path).render_spec("ok/maths", {})["text"]
    assert text == "300000원 300,000 [1, 2, 1, 2, 1, 2] abcd 1024 " + "-" * 20 + "1/32/33/3"


def test_lipsum_is_gone_and_range_is_capped(tmp_path):
    write(tmp_path, "x/lipsum", "text: \"{{ lipsum(n=100000) }}\"\n")
    write(tmp_path, "x/range", f"text: \"{{{{ range({limits.MAX_RANGE}) | length }}}}\"\n")
    store = TemplateStore(tmp_path)
    with pytest.raises(TemplateError):
        store.render_spec("x/lipsum", {})
    assert store.render_spec("x/range", {})["text"] == str(limits.MAX_RANGE)


def test_a_render_ends_at_the_reply_deadline(tmp_path):
    write(tmp_path, "x/slow", "text: \"{% for i in range(900) %}{{ i }}{% endfor %}\"\n")
    store = TemplateStore(tmp_path)
    with render_deadline(time.perf_counter() - 1), pytest.raises(TemplateError) as raised:
        store.render_spec("x/slow", {})
    assert "time ran out" in raised.value.message


def test_a_skill_rendering_a_hostile_template_answers_the_apology_in_time(make_app, hostile):
    write(hostile, "welcome/greeting", "text: |-\n  " + HOSTILE["nested_loops"][0] + "\n")
    dirs = os.pathsep.join([str(hostile), str(ROOT / "templates")])
    client = make_app(TEMPLATES_DIR=dirs).test_client()
    started = time.perf_counter()
    data = assert_valid_kakao(post(client, "welcome", make_payload("안녕")))
    assert time.perf_counter() - started < 2.0
    assert "문제가 생겼어요" in data["template"]["outputs"][0]["simpleText"]["text"]


def test_templates_check_names_each_hostile_file_and_finishes(make_app, hostile):
    write(hostile, "common/error", "text: 죄송해요\n")
    app = make_app(TEMPLATES_DIR=str(hostile))
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["templates", "check"])
    assert time.perf_counter() - started < 15
    assert result.exit_code == 1
    for name in HOSTILE:
        assert f"bad/{name}.yaml" in result.output
    assert "반복이 5,000회를 넘었어요" in result.output  # worded by its code, for operators
