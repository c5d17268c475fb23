"""Work in a limited child process (core.sandbox): results and errors come back, streams keep their
order, the caller's wait hook can stop the child, and a stop always kills the child. The limits on
real templates and dossier files are in tests/security/test_sandbox_limits.py and
test_worker_stop_group.py."""

import os
import time

import pytest
from django.utils import translation

from core import jobs, sandbox

LIMITS = {"cpu_seconds": 10, "memory_mb": 256, "timeout": 30}


# Module-level functions: the fork server's child imports them by name.
def add(a, b):
    return {"sum": a + b, "pid": os.getpid()}


def fail(text):
    raise ValueError(text)


class Unpicklable(Exception):
    def __init__(self, handle):
        super().__init__("with a handle")
        self.handle = handle

    def __reduce__(self):
        raise TypeError("cannot pickle")


def fail_unpicklably():
    raise Unpicklable(lambda: None)


def language():
    return translation.get_language()


def own_group():
    return os.getpgid(0) == os.getpid()


def send_then_wait(send, count):
    send(os.getpid())
    for n in range(count):
        send(n)
    time.sleep(60)


def count_to(send, count):
    for n in range(count):
        send(n)


def spin():
    while True:
        pass


def exit_five():
    os._exit(5)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("context", ["fork", "forkserver"])
def test_the_result_comes_back_from_another_process(context):
    result = sandbox.run_limited(add, 2, 3, context=context, **LIMITS)
    assert result["sum"] == 5 and result["pid"] != os.getpid()


def test_the_function_s_own_error_is_raised_again_in_the_caller():
    with pytest.raises(ValueError, match="sai định dạng"):
        sandbox.run_limited(fail, "sai định dạng", context="fork", **LIMITS)


def test_an_error_that_cannot_travel_comes_back_as_its_text():
    with pytest.raises(RuntimeError, match="Unpicklable: with a handle"):
        sandbox.run_limited(fail_unpicklably, context="fork", **LIMITS)


def test_the_child_works_in_the_caller_s_language():
    with translation.override("en"):
        assert sandbox.run_limited(language, context="fork", **LIMITS) == "en"
    with translation.override("vi"):
        assert sandbox.run_limited(language, context="fork", **LIMITS) == "vi"


def test_the_child_has_a_process_group_of_its_own():
    """So that a timeout kills whatever the child started too (os.killpg)."""
    assert sandbox.run_limited(own_group, context="fork", **LIMITS) is True


def test_a_stream_yields_the_messages_in_order():
    assert list(sandbox.stream_limited(count_to, 500, context="fork", **LIMITS)) == list(range(500))


def test_closing_a_stream_early_kills_the_child():
    messages = sandbox.stream_limited(send_then_wait, 3, context="fork", **LIMITS)
    pid = next(messages)
    assert next(messages) == 0
    messages.close()
    assert gone(pid)


class Stop(Exception):
    pass


def test_what_the_wait_hook_raises_kills_the_child_and_reaches_the_caller():
    calls = []

    def on_wait():
        calls.append(1)
        if len(calls) == 2:
            raise Stop

    messages = sandbox.stream_limited(send_then_wait, 0, context="fork", on_wait=on_wait, **LIMITS)
    pid = next(messages)  # then the hook runs (once), the child sleeps, the hook runs again
    with pytest.raises(Stop):
        next(messages)
    assert gone(pid)


def test_a_stop_request_while_waiting_gives_the_work_back():
    def on_wait():
        jobs.request_stop()
        jobs.checkpoint()

    started = time.monotonic()
    with pytest.raises(jobs.WorkerStopping):
        sandbox.run_limited(time.sleep, 30, context="fork", on_wait=on_wait, **LIMITS)
    assert time.monotonic() - started < 10  # at the first wait, not after the child's 30 s


def test_a_child_that_exits_without_a_word_has_crashed():
    with pytest.raises(sandbox.LimitExceeded) as stopped:
        sandbox.run_limited(exit_five, context="fork", **LIMITS)
    assert (stopped.value.reason, stopped.value.detail) == ("crashed", "exit 5")


def test_a_busy_child_is_stopped_at_its_cpu_limit():
    with pytest.raises(sandbox.LimitExceeded) as stopped:
        sandbox.run_limited(spin, context="fork", cpu_seconds=1, memory_mb=256, timeout=30)
    assert stopped.value.reason == "cpu" and stopped.value.limits.cpu_seconds == 1


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("cpu", "slow 20"),
        ("timeout", "slow 60"),
        ("memory", "memory 256"),
        ("crashed", "stopped exit 9"),
    ],
)
def test_the_caller_s_sentence_for_each_limit(reason, expected):
    stop = sandbox.LimitExceeded(reason, sandbox.Limits(20, 256, 60), "exit 9" if reason == "crashed" else "")
    sentence = stop.message(slow="slow %(seconds)s", memory="memory %(mb)s", stopped="stopped %(detail)s")
    assert sentence == expected


def test_a_stop_without_detail_names_its_reason():
    stop = sandbox.LimitExceeded("crashed", sandbox.Limits(1, 1, 1.5))
    assert stop.message(slow="", memory="", stopped="(%(detail)s)") == "(crashed)"
    timeout = sandbox.LimitExceeded("timeout", sandbox.Limits(1, 1, 1.5))
    assert timeout.message(slow="%(seconds)s s", memory="", stopped="") == "1.5 s"
