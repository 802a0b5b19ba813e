"""The hidden maintainer entry: five taps on the logo, then the PIN."""
from __future__ import annotations


def open_pin(kiosk):
    logo = kiosk.find(kiosk.screen(), text="Pametna klupa")[0]
    for _ in range(5):
        kiosk.tap(logo)
    assert kiosk.app.manager.current == "pin"


def type_pin(kiosk, pin: str):
    for digit in pin:
        kiosk.tap(kiosk.button(digit))
    kiosk.tap(kiosk.button("OK"))


def test_wrong_pin_is_refused(kiosk):
    open_pin(kiosk)
    type_pin(kiosk, "1234")
    assert kiosk.app.manager.current == "pin"
    assert kiosk.screen().message == "Pogrešan PIN."
    kiosk.screenshot("pin-wrong")


def test_demo_pin_opens_diagnostics(kiosk):
    open_pin(kiosk)
    type_pin(kiosk, "0000")
    assert kiosk.app.manager.current == "diagnostics"
    info = kiosk.screen().ids.info.text
    assert "Verzija aplikacije" in info and "Čeka slanje" in info


def test_four_taps_do_nothing(kiosk):
    logo = kiosk.find(kiosk.screen(), text="Pametna klupa")[0]
    for _ in range(4):
        kiosk.tap(logo)
    # The fourth tap on the attract screen's logo is consumed by the logo, not "touch to start".
    assert kiosk.app.manager.current == "attract"
