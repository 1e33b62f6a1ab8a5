"""Operator answer templates → Kakao JSON: templating, rendering, filters, checks, preview and
`flask templates`.
"""
