"""The Kivy kiosk that runs on each bench, and its offline core."""
from importlib.metadata import PackageNotFoundError, version

try:
    # The one version of the release lives in pyproject.toml; benches report it in their health.
    __version__ = version("smart-bench")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
