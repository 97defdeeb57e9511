"""The version of skmlq (a foundation: the command line reads it without importing
the whole package)."""

__version__ = "0.2.0.dev0"
