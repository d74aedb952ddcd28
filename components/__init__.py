"""Reusable UI pieces: cached loaders, the shared sidebar, charts, cards, tables and maps."""
