"""The lab's one word to the shop: "order X changed, ask me about it".

    lab_order_changed.send(sender=<lab name>, lab_order_id=..., event_id=..., event_type=...)

Sent once per lab event (replays are dropped before it), inside the transaction that records
the event, by the callback view for Prodigi and by the simulated lab's steps. `sender` is the
lab's name ("prodigi" or "simulated"). A receiver carries no domain logic: it enqueues, on
commit, the shop's task that re-fetches the order with `order_get` and applies it. A receiver
that raises rolls the event back, so the lab's retry is not mistaken for a replay.
"""

from django.dispatch import Signal

lab_order_changed = Signal()
