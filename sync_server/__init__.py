"""The sync server every bench talks to: bench API, storage, web pages."""
