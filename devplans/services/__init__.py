"""Writes for development plans, one module per topic; each function is one business action."""

from .preferences import set_preferred_formats

__all__ = ["set_preferred_formats"]
