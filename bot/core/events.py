"""Domain events between features (blinker signals, like Flask's own signals).

Receivers connect with `sender=services` so several apps in one process (tests)
never hear each other. Payloads are plain values.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

#: An application was saved: receipt, business_number, user_id.
application_submitted = _events.signal("application-submitted")

#: Staff changed an application's status: receipt, business_number, status, by.
application_status_changed = _events.signal("application-status-changed")

#: Staff marked an application paid: receipt, business_number, amount (won).
#: The sandbox wallet credits the 무상캐시 on this event.
application_paid = _events.signal("application-paid")
