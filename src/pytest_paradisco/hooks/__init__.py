"""The hook classes of pytest-paradisco, one module per feature; private to the package.

``pytest_paradisco.plugin`` (the ``pytest11`` entry point) registers them from
``pytest_configure``. These modules are never registered as plugins themselves, and
define no module-level ``pytest_*`` names.
"""
