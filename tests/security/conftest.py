"""The security tests reuse the access matrix's world (one object of every kind, per app)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from test_access_matrix import world  # noqa: E402, F401  (a fixture, used by name)
