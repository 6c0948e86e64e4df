"""Use cases: each validates its input, decides, and calls the services. No HTTP here."""
