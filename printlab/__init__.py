"""The print lab: where paid prints are made and shipped from.

`gateways.lab_get()` gives the lab the settings choose (LAB_BACKEND): Prodigi's Print API v4
(`prodigi`), or the simulated lab in `simulated/` that needs no account. Both speak the contract
in `contract.py`. The lab tells the shop that an order changed through one signal,
`signals.lab_order_changed`, from its callback view (`views`) or from the simulated lab's
timer; the shop re-fetches the order with `order_get`, as a callback is only a hint.

This app imports no other app of ours: the shop (purchases) calls it and listens to it.
"""
