"""The bench's offline core: config, local store, receipt codes and energy policy. No Kivy here,
so all of it runs and is tested without a display."""
