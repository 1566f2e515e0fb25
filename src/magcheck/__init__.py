"""magcheck: check a mental health mutual aid group against the eight core components."""

__version__ = "0.1.0"
