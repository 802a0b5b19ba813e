"""Reusable widgets: the docked keyboard, QR codes, capped text inputs, choice popups, the idle
warning and boxes that hide; buttons, chips and the top bar are kv rules in ``common.kv``."""
