"""Imports every rule family module so that their rules register, in code order."""

from messages_schema.rules import _schema  # noqa: F401
