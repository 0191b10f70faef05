"""TEST MODE: a checkout on our own page, for newcomers and tests; nothing is charged.

It stands in for Stripe end to end: `gateway.TestModeGateway` keeps its sessions in
`models.SimulatedCheckout`, and the page's buttons (`views`) play the shopper on Stripe's
hosted page, then tell the shop what happened through the same webhook handlers Stripe's
events reach (`services`).
"""
