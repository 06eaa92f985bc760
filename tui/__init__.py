"""watchline: a terminal timeline explorer for public-accountability event logs."""

__version__ = "0.1.0"
