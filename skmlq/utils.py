"""Helpers for the multi-label formats skmlq accepts."""

from ._labels import labels_to_indicator

__all__ = ["labels_to_indicator"]
