"""Jinja filters and labels the console pages share (Korean wording for staff)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ...applications.fields import REVENUE_CODES  # the form's choices
from ...core.clock import KST
from .blueprint import bp

# The stored revenue codes back to the choices merchants tapped.
REVENUE_LABELS = {code: choice for choice, code in REVENUE_CODES.items()}
ROLE_LABELS = {"operator": "운영자", "staff": "직원", "admin": "관리자"}
APPLICATION_LABELS = {"received": "접수", "reviewing": "검토 중", "approved": "승인",
                      "rejected": "반려", "paid": "지급 완료"}
BROADCAST_LABELS = {"draft": "초안", "queued": "대기", "scheduled": "예약", "sending": "발송 중",
                    "paused": "일시 정지", "done": "완료", "cancelled": "취소"}
SKIP_LABELS = {"not_friend": "채널 친구 아님", "opted_out": "알림 끔", "no_consent": "동의 없음",
               "consent_expired": "동의 2년 경과(광고)"}
ACTION_LABELS = {"save": "저장", "rollback": "되돌리기", "reset": "기본 파일로"}
ENTITY_LABELS = {"individual": "개인", "corporation": "법인", "nonprofit": "비영리",
                 "government": "국가기관", "foreign": "외국", "group": "단체", "religious": "종교"}
AUDIT_LABELS = {
    "login": "로그인", "login.failed": "로그인 실패", "logout": "로그아웃",
    "template.save": "템플릿 저장", "template.rollback": "템플릿 되돌리기",
    "template.reset": "템플릿 기본 파일로", "settings.save": "운영 설정 저장",
    "faq.example": "FAQ 예시 추가", "faq.unanswered.forget": "모르는 질문 빼기",
    "notice.add": "공고 추가", "notice.edit": "공고 수정", "notice.hide": "공고 숨김",
    "notice.show": "공고 다시 보임", "notice.import": "공고 가져오기",
    "broadcast.create": "발송 만들기", "broadcast.send": "발송", "broadcast.cancel": "발송 취소",
    "broadcast.resolve": "발송 정리", "application.review": "신청 검토 중",
    "application.approve": "신청 승인", "application.reject": "신청 반려",
    "application.paid": "지급 완료", "application.export": "신청 CSV 내려받기",
    "user.add": "계정 추가", "user.role": "역할 변경", "user.password": "비밀번호 변경",
    "user.remove": "계정 삭제",
}

# The tables by kind: `label(value, kind)`, and `{value:kind}` in the console's messages.yaml.
LABELS = {"role": ROLE_LABELS, "application": APPLICATION_LABELS, "broadcast": BROADCAST_LABELS,
          "skip": SKIP_LABELS, "action": ACTION_LABELS, "entity": ENTITY_LABELS,
          "audit": AUDIT_LABELS, "revenue": REVENUE_LABELS}


@bp.app_template_filter("kst")
def kst(moment: float | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Epoch seconds as a KST time ('-' when unset)."""
    if not moment:
        return "-"
    return datetime.fromtimestamp(float(moment), KST).strftime(fmt)


@bp.app_template_filter("comma")
def comma(value: Any) -> str:
    """1234567 → 1,234,567."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@bp.app_template_filter("label")
def label(value: Any, kind: str) -> str:
    """A code as staff read it (roles, statuses, skip reasons)."""
    return LABELS.get(kind, {}).get(str(value), str(value))


# What the checks say (English, shared with `flask templates check`), read aloud in Korean for
# operators; the original stays in brackets so it can be searched or reported.
_EXPLAIN = (
    (r"Jinja syntax error: (.*)", "중괄호 {{ }} / {% %} 문법이 맞지 않아요"),
    (r"YAML error", "YAML 형식이 맞지 않아요 (들여쓰기, 따옴표, 콜론을 확인해 주세요)"),
    (r"UndefinedError: '([^']+)' is undefined",
     "값 '{0}'이(가) 없어요 (예시 값에 넣거나 철자를 확인해 주세요)"),
    (r"UndefinedError: .*has no attribute '([^']+)'", "값 안에 '{0}' 항목이 없어요"),
    (r"(\w+) is (\d+) characters; the limit is (\d+)",
     "{0}이(가) {1}자예요. 카카오는 {2}자까지 보여 줘요"),
    (r"(\w+) has (\d+) elements; the limit is (\d+)",
     "{0}이(가) {1}개예요. 카카오는 {2}개까지예요"),
    (r"(\d+) outputs; the limit is (\d+)", "말풍선이 {0}개예요. 카카오는 {1}개까지예요"),
    (r"title and description are (\d+) characters; the limit is (\d+)",
     "제목과 설명이 합쳐서 {0}자예요. {1}자까지예요"),
    (r"unknown key '([^']+)'", "'{0}'은(는) 모르는 항목이에요"),
    (r"no speech bubble", "보여 줄 말풍선이 하나도 없어요"),
    (r"must be an http\(s\) URL", "링크는 http:// 또는 https:// 로 시작해야 해요"),
    (r"faq: missing the 'faq:' block", "FAQ 항목에 'faq:' 부분(제목, 예시 질문)이 없어요"),
    (r"template not found|template file not found", "템플릿 파일이 없어요"),
)


@bp.app_template_filter("explain")
def explain(problem: str) -> str:
    """A check's problem in Korean first, the original after it."""
    for pattern, korean in _EXPLAIN:
        found = re.search(pattern, problem)
        if found:
            for i, value in enumerate(found.groups()):  # not str.format: the text has braces
                korean = korean.replace(f"{{{i}}}", value or "")
            return f"{korean} — [{problem}]"
    return problem
