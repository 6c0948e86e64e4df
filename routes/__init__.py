"""Blueprints: HTTP in and out only. They parse the request, call a controller, shape the response."""
