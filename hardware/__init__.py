"""The bench power-controller link: VE.Direct parsing, status, serial link and simulator.

Imports neither Kivy nor anything HTTP; the kiosk builds on it.
"""
