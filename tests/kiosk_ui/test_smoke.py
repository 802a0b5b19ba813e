def test_starts_on_attract(kiosk):
    assert kiosk.app.manager.current == "attract"
    kiosk.screenshot("smoke")
