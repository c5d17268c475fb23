import contextlib
import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from core.jobs import STOP, WorkerStopping, request_stop, run_once, run_queues

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Background worker: daily monitoring, reminders, e-mail digests and queued imports. Safe to run several."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one cycle and exit")
        parser.add_argument("--interval", type=int, default=settings.WORKER_INTERVAL_SECONDS)

    def handle(self, *args, once=False, interval=60, **options):
        def stop(signum, frame):
            # The running job stops at its next checkpoint and gives its claim back (core.jobs);
            # a second signal ends the process at once.
            log.info("worker: signal %s, stopping", signum)
            request_stop()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        with contextlib.suppress(WorkerStopping):
            self.loop(once=once, interval=interval)
        self.stdout.write("worker: stopped")

    def loop(self, *, once: bool, interval: int) -> None:
        while True:
            try:
                result = run_once()
                if result:
                    self.stdout.write(f"worker: {result}")
            except Exception:  # keep the worker alive; the next cycle retries
                log.exception("worker cycle failed")
            if once or STOP.is_set():
                return
            for second in range(interval):
                if STOP.is_set():
                    return
                time.sleep(1)
                if second % 3 == 2:  # queued imports start within seconds, not at the next cycle
                    try:
                        run_queues()
                    except Exception:
                        log.exception("queued work failed")
