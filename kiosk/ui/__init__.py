"""The Kivy app on the bench's touchscreen: screens, widgets and the kiosk's idle and power care."""
