"""The plugin's warning category.

Silence ours with ``-W ignore::pytest_paradisco.ParadiscoWarning``.
"""

from __future__ import annotations


class ParadiscoWarning(UserWarning):
    """Base class of every warning pytest-paradisco emits."""
