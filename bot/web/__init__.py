"""The HTTP face: the webhook blueprint (POST /skill/<name>, GET /healthz) and `flask serve`."""
