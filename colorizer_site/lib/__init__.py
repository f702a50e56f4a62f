"""Code with no domain of its own (the safe HTTP client, the streamed ZIP, the registry of
the worker's periodic duties): plain Python, no models, and it imports no app."""
