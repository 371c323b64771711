"""Per-channel contact and handle-time forecasting for vuoro.

Reads a contact history (``channel, interval_start, contacts, aht_seconds``) and
produces the forecast frame that ``scheduler`` consumes (DESIGN section 3). Knows
nothing of ``scheduler``.
"""
