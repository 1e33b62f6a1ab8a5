"""Who a KakaoTalk user is to us: 사업자등록번호 checks, user ↔ business links, last-seen
profiles and `flask merchants`.
"""
