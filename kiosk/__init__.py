"""The Kivy kiosk that runs on each bench, and its offline core."""
