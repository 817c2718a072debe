"""Maintenance tools that rebuild the data committed under ``gazetteer/data``."""
