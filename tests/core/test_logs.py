"""Logs never carry a raw 사업자등록번호, phone number or user key."""

from __future__ import annotations

import json
import logging

from bot.core.logs import JsonFormatter, mask


def test_mask_hides_personal_data():
    text = ("bizno 120-81-47521 / 1208147521, phone 010-1234-5678 / 01012345678, "
            "key f51d13fbb9ab315e35faaf67a33b7fbd73a67ab4698867afda41c26d67b1e17bef")
    masked = mask(text)
    assert "47521" not in masked and "1234" not in masked
    assert "f51d13fbb9ab" not in masked
    assert "120-81-*****" in masked and "010-****-5678" in masked


def test_json_formatter_masks_message_and_extra_fields():
    record = logging.makeLogRecord({
        "name": "t", "levelname": "INFO", "msg": "submitted %s", "args": ("1208147521",),
        "phone": "010-9876-5432"})
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "submitted 120-81-*****"
    assert line["phone"] == "010-****-5432"
