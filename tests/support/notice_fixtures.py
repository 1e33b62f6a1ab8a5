"""Realistic 기업마당 (bizinfo) payloads for every shape seen in the wild (program-facts §3.1)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from bot.core.clock import KST

NOW = datetime(2026, 8, 20, 12, 0, tzinfo=KST).timestamp()  # a Thursday, 12:00 KST

# The documented example item, field for field (hashtags in the live lowercase spelling).
DOC_ITEM: dict[str, Any] = {
    "pblancId": "PBLN_000000000080236",
    "pblancNm": "착한임대인 장관 표창 신청 연장 공고",
    "pblancUrl": "https://www.bizinfo.go.kr/web/lay1/bbs/S1T122C128/AS/74/view.do?"
                 "pblancId=PBLN_000000000080236",
    "jrsdInsttNm": "중소벤처기업부",
    "excInsttNm": "지방중소벤처기업청",
    "bsnsSumryCn": "코로나19라는 힘든 상황속에서 소상공인에게 자발적으로 임대료를 인하한 임대인을 "
                   "'착한임대인'으로 선정하는 사업입니다.",
    "trgetNm": "중소기업",
    "reqstBeginEndDe": "20220727 ~ 20220930",
    "reqstMthPapersCn": "",
    "refrncNm": "",
    "rceptEngnHmpgUrl": "",
    "pldirSportRealmLclasCodeNm": "경영",
    "pldirSportRealmMlsfcCodeNm": "",
    "hashtags": "2022,금융,충북,대전,중소벤처기업부",
    "creatPnttm": "2022-09-02 15:38:29",
    "inqireCo": 43,
    "flpthNm": "https://www.bizinfo.go.kr/cmm/fms/getImageFile.do?atchFileId=FILE_000000000613641"
               "&fileSn=0",
    "fileNm": "2022년 대한민국 메이커 스타 참가자모집 공고.pdf",
    "totCnt": 1435,
}

# A current-format 소상공인 notice: relative URL, HTML with entities, hyphenated dates,
# string counts.
SMALL_ITEM: dict[str, Any] = {
    "pblancId": "PBLN_000000000112001",
    "pblancNm": "2026년 소상공인 스마트상점 기술보급사업 2차 모집 공고",
    "pblancUrl": "/web/lay1/bbs/S1T122C128/AS/74/view.do?pblancId=PBLN_000000000112001",
    "jrsdInsttNm": "중소벤처기업부",
    "excInsttNm": "소상공인시장진흥공단",
    "bsnsSumryCn": "<p>소상공인의 디지털 전환을 위해 스마트기술 도입을 지원합니다&#46;</p>"
                   "<ul><li>지원내용&#58; 키오스크&#44; 서빙로봇 등</li>"
                   "<li>자부담 &#40;국비 70%&#41;</li></ul>",
    "trgetNm": "소상공인",
    "reqstBeginEndDe": "2026-08-10 ~ 2026-08-31",
    "reqstMthPapersCn": "소상공인24(www.sbiz24.kr) 온라인 접수",
    "refrncNm": "소상공인시장진흥공단 스마트기술보급팀 042-363-7000",
    "rceptEngnHmpgUrl": "www.sbiz24.kr",
    "pldirSportRealmLclasCodeNm": "기술",
    "pldirSportRealmMlsfcCodeNm": "디지털전환",
    "hashTags": "2026,기술,전국,소상공인시장진흥공단,소상공인",
    "creatPnttm": "2026-08-05 09:12:44",
    "updtPnttm": "2026-08-06 10:00:00",
    "inqireCo": "1,204",
    "totCnt": "3",
}

# A 금융 notice open until the budget runs out (free-text 신청기간), for 서울 only.
FUND_ITEM: dict[str, Any] = {
    "pblancId": "PBLN_000000000112002",
    "pblancNm": "서울시 소상공인 경영안정자금 융자 지원 공고",
    "pblancUrl": "https://www.bizinfo.go.kr/web/lay1/bbs/S1T122C128/AS/74/view.do?"
                 "pblancId=PBLN_000000000112002",
    "jrsdInsttNm": "서울특별시",
    "excInsttNm": "서울신용보증재단",
    "bsnsSumryCn": "&lt;p&gt;서울 소재 소상공인에게 경영안정자금 대출을 지원합니다.&lt;/p&gt;",
    "trgetNm": "소상공인",
    "reqstBeginEndDe": "예산 소진시까지",
    "reqstMthPapersCn": "서울신용보증재단 누리집 온라인 신청",
    "refrncNm": "서울신용보증재단",
    "rceptEngnHmpgUrl": "https://www.seoulshinbo.co.kr",
    "pldirSportRealmLclasCodeNm": "금융@경영",
    "pldirSportRealmMlsfcCodeNm": "융자",
    "hashtags": "2026,금융,서울,서울신용보증재단",
    "creatPnttm": "2026-08-01 10:00:00",
    "totCnt": 3,
}

# A 수출 notice for 중소기업 with a 추후 공지 period (listed after 상시 and dated ones).
EXPORT_ITEM: dict[str, Any] = {
    "pblancId": "PBLN_000000000112003",
    "pblancNm": "2026년 수출바우처 추가 참여기업 모집",
    "pblancUrl": "https://www.bizinfo.go.kr/web/lay1/bbs/S1T122C128/AS/74/view.do?"
                 "pblancId=PBLN_000000000112003",
    "jrsdInsttNm": "산업통상자원부",
    "excInsttNm": "KOTRA",
    "bsnsSumryCn": "해외 진출을 준비하는 중소기업의 수출 마케팅을 바우처로 지원합니다.",
    "trgetNm": "중소기업",
    "reqstBeginEndDe": "추후 공지",
    "reqstMthPapersCn": "수출바우처 누리집",
    "refrncNm": "KOTRA 1600-7119",
    "rceptEngnHmpgUrl": "",
    "pldirSportRealmLclasCodeNm": "수출",
    "pldirSportRealmMlsfcCodeNm": "해외진출준비",
    "hashtags": "2026,수출,전국,KOTRA",
    "creatPnttm": "2026-08-03 10:00:00",
    "totCnt": 3,
}


def item(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of a fixture item with some fields changed (None deletes a field)."""
    copied = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            copied.pop(key, None)
        else:
            copied[key] = value
    return copied


def documented(items: list[Any]) -> dict[str, Any]:
    """The documented envelope: jsonArray is an object {title, link, item: [...]}."""
    return {"jsonArray": {"title": "기업마당 지원사업정보", "link": "https://www.bizinfo.go.kr",
                          "item": items}}


def live_array(items: list[Any]) -> dict[str, Any]:
    """The live envelope (2026-08): jsonArray is the array of items."""
    return {"jsonArray": items}


def wrapped_array(items: list[Any]) -> dict[str, Any]:
    """The third shape: jsonArray is [{title, link, item: [...]}]."""
    return {"jsonArray": [{"title": "기업마당", "link": "https://www.bizinfo.go.kr",
                           "item": items}]}


def single_object(one: dict[str, Any]) -> dict[str, Any]:
    """A one-result page: `item` is an object, not a list."""
    return {"jsonArray": {"title": "기업마당", "item": one}}
