"""geomap: the command line that wires the gazetteer, the geoparser and the maps together."""

__version__ = "0.1.0"
__all__ = ["__version__"]
