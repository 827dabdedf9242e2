"""Views of the yearly collection: thin, calling services.py for every action."""
