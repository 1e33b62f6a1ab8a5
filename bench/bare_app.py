"""Baseline for bench/skill_latency.py: a bare Flask route returning constant JSON."""

from flask import Flask, jsonify

app = Flask(__name__)
BODY = {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": "ok"}}]}}


@app.post("/skill/<name>")
def skill(name: str):
    """Answer every skill call with the same constant body."""
    return jsonify(BODY)
