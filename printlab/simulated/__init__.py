"""The simulated lab: Prodigi's part played on this machine, for newcomers and tests.

It needs no account and prints nothing. `gateway.SimulatedLab` takes the same orders as the
real lab (the same idempotency key gives the same order) and keeps them in `models`; a timer of
tasks on the "fulfilment" queue (`tasks`, `services`) then moves each order on, one step every
LAB_SIMULATED_STEP_SECONDS: assets downloaded, in production, shipped (a parcel per kind of
product, each with a carrier, a tracking number and a tracking page of its own, `views`), then
delivered. Each step tells the shop through the same signal the real lab's callbacks raise.
"""
