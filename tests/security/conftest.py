"""The security tests share the access matrix's world (one object of every kind, per app), built
once per module that uses it (the root conftest.py's module_data)."""

from test_access_matrix import world  # noqa: F401  (a fixture, used by name)
