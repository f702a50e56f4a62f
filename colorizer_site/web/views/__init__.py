"""Site pages, one module per page group so each can evolve on its own."""
