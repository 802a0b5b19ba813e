"""The kiosk's languages: gettext catalogues (Babel ``.po`` files) and the Translator."""
