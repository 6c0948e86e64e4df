"""Cross-cutting HTTP concerns, each with ``init_app(app)``, wired by ``create_app``."""
