"""The sync server every bench talks to: bench API, storage, web pages."""
from importlib.metadata import PackageNotFoundError, version

try:
    # The one version of the release lives in pyproject.toml; /healthz reports it.
    __version__ = version("smart-bench")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
