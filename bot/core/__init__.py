"""The core every feature stands on: config (the only env reader), Redis key names, the Redis
connection, logs, the clock, events.
"""
