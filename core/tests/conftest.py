"""Fixtures of core's tests."""

import pytest

from core import jobs


class FakeClock:
    """Stands for the `time` module inside a module under test: time() and monotonic() give `now`,
    which moves only when the test moves it."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def fake_time(monkeypatch):
    """fake_time(module) puts a FakeClock in place of the module's `time` and returns it."""

    def install(module) -> FakeClock:
        clock = FakeClock()
        monkeypatch.setattr(module, "time", clock)
        return clock

    return install


@pytest.fixture(autouse=True)
def _worker_not_stopping():
    """Every test starts with a worker not asked to stop (core.jobs.STOP), and leaves it so."""
    jobs.STOP.clear()
    yield
    jobs.STOP.clear()
