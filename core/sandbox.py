"""Work on what users upload (administrators' Word templates, dossier workbooks) run in a child
process with a CPU-time limit, an address-space limit and a wall-clock timeout, so a hostile or
unlucky file costs at most those and never the worker itself (security review M6, M7).

    data = run_limited(render, template_bytes, context, cpu_seconds=20, memory_mb=512, timeout=60)

- The child is started from a fork server (multiprocessing's "forkserver": a clean process, with
  Django set up once, that forks children on request), never forked from the caller, which may be
  a threaded app process holding database connections. Arguments go in and the result comes out
  pickled: pass plain data (bytes, str, dicts, lists), not model objects; the child must not touch
  the database. `context="fork"` is for a single-threaded caller (the worker) that must share
  large in-memory state; the child then lets go of the inherited database sockets at once.
- Limits: RLIMIT_CPU (the kernel stops the child after `cpu_seconds` of CPU), RLIMIT_AS (the child
  may grow its address space by `memory_mb` beyond what it starts with: Django and the libraries
  are already loaded), and `timeout` seconds of wall-clock time, after which the parent kills the
  child's process group. The child is in a process group of its own and dies with its parent.
- `on_wait` is called about twice a second while the parent waits: the caller's heartbeat and its
  stop check. Whatever it raises kills the child and propagates (e.g. core.jobs.WorkerStopping).
  A child that dies without a word while the worker is being stopped (systemd may send SIGTERM to
  every process of the service) raises WorkerStopping too, not LimitExceeded.

A limit reached raises LimitExceeded (its `reason` is "cpu", "memory", "timeout" or "crashed"); an
exception raised by the function in the child is raised again in the parent."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

POLL_SECONDS = 0.5
BOOT_MODULE = "core.sandbox_boot"  # imported by the fork server: Django set up once for all children


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int
    memory_mb: int
    timeout: float


class LimitExceeded(Exception):
    """The child went beyond a limit and was stopped."""

    def __init__(self, reason: str, limits: Limits, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.limits, self.detail = reason, limits, detail

    def message(self, *, slow: str, memory: str, stopped: str) -> str:
        """The caller's sentence for this stop: `slow` (CPU or wall clock) takes %(seconds)s,
        `memory` %(mb)s, `stopped` (any other end) %(detail)s."""
        if self.reason in ("cpu", "timeout"):
            seconds = self.limits.cpu_seconds if self.reason == "cpu" else self.limits.timeout
            return slow % {"seconds": f"{seconds:g}"}
        if self.reason == "memory":
            return memory % {"mb": self.limits.memory_mb}
        return stopped % {"detail": self.detail or self.reason}


def _address_space() -> int:
    """The process's address space now, in bytes (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _die_with_parent() -> None:
    """The kernel kills this child when the process that started it ends (Linux)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _release_inherited_connections() -> None:
    """A forked child must neither use nor close (which would end the parent's session) the
    database connections it inherited: drop their sockets without a word to the server."""
    with contextlib.suppress(Exception):
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            raw = conn.connection
            if raw is not None and hasattr(raw, "fileno"):
                with contextlib.suppress(Exception):
                    os.close(raw.fileno())


def _apply(limits: Limits) -> None:
    cpu = max(int(limits.cpu_seconds), 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    start = _address_space()
    if start:
        resource.setrlimit(resource.RLIMIT_AS, (start + limits.memory_mb * 1024 * 1024,) * 2)


def _child(func: Callable, args: tuple, limits: Limits, conn, language: str | None, streaming: bool, forked: bool):
    os.setpgid(0, 0)  # a process group of its own: a timeout kills whatever it started too
    _die_with_parent()
    if forked:
        _release_inherited_connections()

    def on_cpu_limit(signum, frame):  # the soft CPU limit: say so, then go
        with contextlib.suppress(Exception):
            conn.send(("limit", "cpu"))
        os._exit(3)

    signal.signal(signal.SIGXCPU, on_cpu_limit)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides (Ctrl-C reaches the whole group)
    try:
        import django
        from django.apps import apps

        if not apps.ready:
            django.setup()
        if language:
            from django.utils import translation

            translation.activate(language)
        _apply(limits)
        if streaming:
            func(lambda message: conn.send(("message", message)), *args)
            conn.send(("end",))
        else:
            conn.send(("ok", func(*args)))
    except MemoryError:
        conn.send(("limit", "memory"))
    except BaseException as exc:  # the function's own error, given back to the parent
        try:
            conn.send(("raised", exc))
        except Exception:  # not picklable: its text
            conn.send(("raised", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def _context(name: str):
    context = multiprocessing.get_context(name)
    if name == "forkserver":
        context.set_forkserver_preload([BOOT_MODULE])
    return context


def _language() -> str | None:
    with contextlib.suppress(Exception):
        from django.utils import translation

        return translation.get_language()
    return None


def _kill(process) -> None:
    """The child and whatever it started (its process group)."""
    if process.pid is None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(Exception):
            process.kill()
    process.join(5)


def _run(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    limits: Limits,
    on_wait: Callable[[], None] | None,
    *,
    context: str,
    streaming: bool,
) -> Iterator[Any]:
    """The limited child's messages, in order; closing the iterator early kills the child."""
    ctx = _context(context)
    receiving, sending = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child,
        args=(func, args, limits, sending, _language(), streaming, context == "fork"),
        daemon=True,
    )
    process.start()
    sending.close()
    try:
        yield from _receive(process, receiving, limits, on_wait, streaming=streaming)
    finally:
        receiving.close()
        if process.is_alive():
            _kill(process)
        process.join(5)


def stream_limited(
    func: Callable[..., None],
    *args: Any,
    cpu_seconds: int,
    memory_mb: int,
    timeout: float,
    on_wait: Callable[[], None] | None = None,
    context: str = "forkserver",
) -> Iterator[Any]:
    """Runs func(send, *args) in a limited child and yields what it sends, in order. Closing the
    iterator early kills the child."""
    return _run(func, args, Limits(cpu_seconds, memory_mb, timeout), on_wait, context=context, streaming=True)


def run_limited(
    func: Callable[..., Any],
    *args: Any,
    cpu_seconds: int,
    memory_mb: int,
    timeout: float,
    on_wait: Callable[[], None] | None = None,
    context: str = "forkserver",
) -> Any:
    """func(*args) worked out in a limited child; its result (pickled back), or its exception."""
    limits = Limits(cpu_seconds, memory_mb, timeout)
    messages = _run(func, args, limits, on_wait, context=context, streaming=False)
    with contextlib.closing(messages):  # the child is stopped and joined before the result is returned
        for result in messages:
            return result
    raise LimitExceeded("crashed", limits, "no result")  # pragma: no cover


def _stop_check(on_wait: Callable[[], None] | None) -> None:
    """The caller's stop check, before a child that ended without a word counts as crashed: a
    service manager stopping the worker may send SIGTERM to every process of the service at once
    (the child dies of it before the worker's next check), and the work must then be given back
    (core.jobs.WorkerStopping), not failed."""
    if on_wait is not None:
        on_wait()
    from core import jobs  # here: the fork server imports this module before Django is set up

    jobs.checkpoint()


def _between_messages(process, limits: Limits, on_wait: Callable[[], None] | None, deadline: float) -> None:
    """While the parent waits: the caller's on_wait (its heartbeat and stop check), then the wall
    clock. Whatever on_wait raises, and the timeout, kill the child first."""
    if on_wait is not None:
        try:
            on_wait()
        except BaseException:
            _kill(process)
            raise
    if time.monotonic() > deadline:
        _kill(process)
        raise LimitExceeded("timeout", limits, f"{limits.timeout:g} s")


def _receive(process, receiving, limits: Limits, on_wait, *, streaming: bool) -> Iterator[Any]:
    deadline = time.monotonic() + limits.timeout
    while True:
        try:
            ready = receiving.poll(POLL_SECONDS)
        except (EOFError, OSError):
            ready = True
        if not ready:
            _between_messages(process, limits, on_wait, deadline)
            continue
        try:
            message = receiving.recv()
        except (EOFError, OSError):
            process.join(5)
            _stop_check(on_wait)  # a stop asked meanwhile wins: the child died of the group's SIGTERM
            code = process.exitcode
            if code in (-signal.SIGXCPU, -signal.SIGKILL, 3):
                raise LimitExceeded("cpu", limits, f"exit {code}") from None
            raise LimitExceeded("crashed", limits, f"exit {code}") from None
        except MemoryError:  # pragma: no cover  (the parent's own memory)
            _kill(process)
            raise
        kind = message[0]
        if kind == "limit":
            _kill(process)
            raise LimitExceeded(message[1], limits)
        if kind == "raised":
            process.join(5)
            raise message[1]
        if kind == "ok":
            yield message[1]
            return
        if kind == "end":
            return
        yield message[1]  # a streamed message, as the child sent it
        _between_messages(process, limits, on_wait, deadline)
