"""Registered necks."""

from models.necks.identity import IdentityNeck1d

__all__ = ["IdentityNeck1d"]
