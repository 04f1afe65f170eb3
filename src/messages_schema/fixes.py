"""
Applying the fixes that findings carry, ruff-style: `apply_fixes`, `fix_until_stable`.

They live with the normalize steps they run (`messages_schema.normalize`); this module
is their public home too.

.. versionadded:: 0.1.0
"""

from messages_schema.normalize._fixes import apply_fixes, fix_until_stable, fixable

__all__ = ["apply_fixes", "fix_until_stable", "fixable"]
