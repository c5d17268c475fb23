"""The portal's visitor: a browser without an account."""

import pytest
from django.test import Client


@pytest.fixture
def anon():
    return Client()
