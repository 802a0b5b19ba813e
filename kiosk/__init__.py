"""The Kivy kiosk that runs on each bench, and its offline core."""
from __future__ import annotations


def __getattr__(name: str) -> str:
    # ``kiosk.__version__`` is looked up at its first use: importlib.metadata takes 20 ms to
    # import, which the kiosk's first frame need not wait for.
    if name != "__version__":
        raise AttributeError(f"module 'kiosk' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        # The one version of the release lives in pyproject.toml; benches report it in their health.
        found = version("smart-bench")
    except PackageNotFoundError:  # a source tree that was never installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
