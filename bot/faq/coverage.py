"""Which sections of program-facts.md the FAQ entries cover (`flask faq check`, the console).

Every entry names the section(s) of the program facts its answer comes from
(`source: "§1.5"` or a list). The sections a merchant can ask about — §1 (the
program), §4 (channel facts), §5 (ad rules) — must each be reachable through at
least one entry. The headings are read from program-facts.md when the shared
reference sits next to the repository; otherwise from the list kept here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.answers import checks
from bot.core.config import ROOT

FACTS_FILE = ROOT.parent / "shared" / "reference" / "program-facts.md"
# Not a section of the facts: answers that come from templates/settings.yaml or describe
# this channel's own menus (상담원 연결, 신청 현황 …).
SETTINGS = "settings"
REQUIRED_PARTS = ("1", "4", "5")  # top-level sections whose leaves need an entry

# The headings of program-facts.md, used when the file is not reachable (deployments).
KNOWN_SECTIONS: dict[str, str] = {
    "§0": "Corrections to common assumptions",
    "§1": "The program: 카카오 프로젝트 단골 톡채널 메시지 발송 지원",
    "§1.1": "What it is",
    "§1.2": "Eligibility",
    "§1.3": "Application steps",
    "§1.4": "Business-channel prerequisites",
    "§1.5": "What the credit buys: channel message types and prices",
    "§1.6": "비즈월렛 / 무상캐시 vs 유상캐시",
    "§1.7": "FAQ seeds for the bot",
    "§2": "사업자등록번호 and 법인등록번호",
    "§2.1": "Format",
    "§2.2": "Checksum algorithm",
    "§2.3": "법인등록번호",
    "§3": "Government support-notice sources and APIs",
    "§3.1": "기업마당 (bizinfo.go.kr) 지원사업정보 API — main source",
    "§3.2": "data.go.kr — 중소벤처기업부 사업공고 (mssBizService_v2)",
    "§3.3": "K-Startup (창업진흥원) — data.go.kr 15125364",
    "§3.4": "소상공인24 (sbiz24.kr) / 소상공인마당 (sbiz.or.kr)",
    "§3.5": "Other consumers of the bizinfo API (to confirm field names)",
    "§4": "KakaoTalk channel facts relevant to the bot",
    "§5": "Advertising-message rules",
    "§6": "Open questions",
}

_HEADING = re.compile(r"^(#{2,3})\s+(\d+(?:\.\d+)?)\.?\s+(.+?)\s*$")


@dataclass(frozen=True)
class Coverage:
    """Sections and the entries naming them."""

    sections: dict[str, str]  # "§1.5" -> heading, in document order
    required: tuple[str, ...]  # leaves of §1, §4, §5
    entries: dict[str, tuple[str, ...]]  # section -> entry ids

    def missing(self) -> list[str]:
        """Required sections no entry names."""
        return [s for s in self.required if not self.entries.get(s)]


def read_sections(path: Path = FACTS_FILE) -> dict[str, str]:
    """Section number -> heading from program-facts.md, or the kept list when it is absent."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return dict(KNOWN_SECTIONS)
    sections: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            sections[f"§{match[2]}"] = match[3]
    return sections or dict(KNOWN_SECTIONS)


def required_sections(sections: Iterable[str]) -> tuple[str, ...]:
    """Leaf sections under §1, §4 and §5 (a section with subsections is covered by them)."""
    names = list(sections)
    leaves = []
    for name in names:
        number = name[1:]
        if number.split(".")[0] not in REQUIRED_PARTS:
            continue
        if any(other.startswith(f"{name}.") for other in names):
            continue
        leaves.append(name)
    return tuple(leaves)


def normalise(source: str) -> str:
    """'1.5', '§ 1.5' and '§1.5' all name §1.5; 'settings' stays as it is."""
    value = source.strip()
    if value.lower() == SETTINGS:
        return SETTINGS
    return "§" + value.lstrip("§ ").rstrip(".")


def coverage(sources: Mapping[str, Sequence[str]],
             sections: Mapping[str, str] | None = None) -> Coverage:
    """Map each section to the entries whose `source:` names it."""
    known = dict(sections if sections is not None else read_sections())
    found: dict[str, list[str]] = {}
    for entry_id, names in sorted(sources.items()):
        for name in names:
            found.setdefault(name, []).append(entry_id)
    return Coverage(known, required_sections(known),
                    {s: tuple(ids) for s, ids in found.items()})


def problems(sources: Mapping[str, Sequence[str]], cover: Coverage) -> list[checks.Problem]:
    """Entries without a source, sources naming no section, required sections with no entry."""
    found = []
    for entry_id, names in sorted(sources.items()):
        name = f"faq/{entry_id}"
        if not names:
            found.append(checks.problem(
                name, "faq.source is empty (name the program-facts.md section the answer "
                f"comes from, e.g. \"§1.5\", or '{SETTINGS}')", code="coverage.no_source"))
        for source in names:
            if source != SETTINGS and source not in cover.sections:
                found.append(checks.problem(
                    name, f"faq.source '{source}' is no section of program-facts.md",
                    code="coverage.unknown_source", source=source))
    for section in cover.missing():
        found.append(checks.problem(
            "", f"program-facts.md {section} ({cover.sections[section]}) has no FAQ entry",
            code="coverage.uncovered", section=section, heading=cover.sections[section]))
    return found
