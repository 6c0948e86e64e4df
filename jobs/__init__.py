"""RQ job functions and the worker that runs them. Importable without building the Flask app."""
