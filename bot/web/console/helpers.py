"""Jinja filters and labels the console pages share (Korean wording for staff)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...filters import KST
from .blueprint import bp

ROLE_LABELS = {"operator": "운영자", "staff": "직원", "admin": "관리자"}
APPLICATION_LABELS = {"received": "접수", "reviewing": "검토 중", "approved": "승인",
                      "rejected": "반려", "paid": "지급 완료"}
BROADCAST_LABELS = {"draft": "초안", "queued": "대기", "scheduled": "예약", "sending": "발송 중",
                    "paused": "일시 정지", "done": "완료", "cancelled": "취소"}
SKIP_LABELS = {"not_friend": "채널 친구 아님", "opted_out": "알림 끔", "no_consent": "동의 없음",
               "consent_expired": "동의 2년 경과(광고)"}
ACTION_LABELS = {"save": "저장", "rollback": "되돌리기", "reset": "기본 파일로"}


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
    table = {"role": ROLE_LABELS, "application": APPLICATION_LABELS,
             "broadcast": BROADCAST_LABELS, "skip": SKIP_LABELS,
             "action": ACTION_LABELS}.get(kind, {})
    return table.get(str(value), str(value))
