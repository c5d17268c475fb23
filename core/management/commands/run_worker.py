import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from core.jobs import run_once, run_queues

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Background worker: daily monitoring, reminders, e-mail digests and queued imports. Safe to run several."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one cycle and exit")
        parser.add_argument("--interval", type=int, default=settings.WORKER_INTERVAL_SECONDS)

    def handle(self, *args, once=False, interval=60, **options):
        stop = {"now": False}

        def request_stop(signum, frame):
            stop["now"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        while True:
            try:
                result = run_once()
                if result:
                    self.stdout.write(f"worker: {result}")
            except Exception:  # keep the worker alive; the next cycle retries
                log.exception("worker cycle failed")
            if once or stop["now"]:
                return
            for second in range(interval):
                if stop["now"]:
                    return
                time.sleep(1)
                if second % 3 == 2:  # queued imports start within seconds, not at the next cycle
                    try:
                        run_queues()
                    except Exception:
                        log.exception("queued work failed")
