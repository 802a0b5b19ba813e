"""Reusable widgets: the docked keyboard, QR codes, text inputs, buttons and the top bar."""
