"""The bench's offline core: config, local store, sync client, receipt codes and QR links, the
citizen's session, the diagnostics PIN, the energy policy. No Kivy here, so all of it runs and is
tested without a display."""
