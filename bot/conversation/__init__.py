"""The conversation engine: replies, the skill registry, the request pipeline, the pure form engine
(dialog), routing, sessions, the form funnel and `flask chat`.
"""
