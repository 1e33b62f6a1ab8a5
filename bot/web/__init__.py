"""The HTTP face: the webhook blueprint (POST /skill/<name>, GET /healthz), GET /readyz and
`flask serve`.
"""
