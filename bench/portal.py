"""Benchmark of the public portal: its main pages served by gunicorn on PostgreSQL with a
generated province (300 agencies, 2,000 procedures, 100,000 published feedback answers), beside
a static file served by the same server in the same run.

For each page it sends --requests requests from --clients concurrent clients (each request on a
randomly chosen agency, procedure or answer where the page takes one) and prints requests per
second, p50 and p95 latency and errors (must be 0).

    .venv/bin/python bench/portal.py [--requests 400] [--clients 20] [--workers 3 --threads 8] [--keep]

DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/); the
script creates and finally drops its own database `cchc_portal_bench` there.
"""

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import threading
import time
from urllib.parse import quote_plus

from _server import Client, django_env, drop_database, gunicorn, percentile, postgres_base, recreate_database

DB_NAME = "cchc_portal_bench"
WORDS = ["đầu tư", "xây dựng", "lao động", "môi trường", "thương mại", "đất đai", "cửa khẩu", "doanh nghiệp"]


def generate(agencies: int, procedures: int, answers: int) -> dict:
    from django.utils import timezone

    from core.deadlines import LOCAL
    from core.models import Agency, Province
    from core.text import fold
    from feedback.models import Feedback
    from procedures.models import Procedure

    rng = random.Random(2026)  # noqa: S311  (generated data, not security)
    province = Province.objects.first()
    made = Agency.objects.bulk_create(
        [
            Agency(province=province, code=f"A{n:03d}", name=f"Sở, ban, ngành số {n:03d} tỉnh Lạng Sơn")
            for n in range(agencies)
        ]
    )
    made = list(Agency.objects.filter(code__in=[a.code for a in made]))
    rows = []
    for n in range(procedures):
        word = WORDS[n % len(WORDS)]
        name = f"Thủ tục {word} số {n:04d}"
        rows.append(
            Procedure(
                agency=made[n % len(made)],
                code=f"2.{n:06d}",
                name=name,
                field=word.capitalize(),
                limit=rng.choice([3, 5, 10, 15]),
                steps="Bước 1: nộp hồ sơ. Bước 2: tiếp nhận, kiểm tra. Bước 3: trả kết quả.",
                documents="Đơn đề nghị; bản sao giấy tờ",
                search_text=fold(f"2.{n:06d} {name} {word}"),
            )
        )
    Procedure.objects.bulk_create(rows, batch_size=2000)
    now = timezone.now()
    start = dt.datetime(2026, 1, 5, 8, tzinfo=LOCAL)
    batch = []
    for n in range(answers):
        received = start + dt.timedelta(minutes=n * 3)
        word = WORDS[n % len(WORDS)]
        summary = f"Phản ánh về thủ tục {word} tại bộ phận một cửa (số {n})"
        answer = f"Cơ quan đã kiểm tra, trả lời về {word}."
        batch.append(
            Feedback(
                agency=made[n % len(made)],
                code=f"PA-B{n:07d}",
                channel="online",
                name="Người gửi",
                address="Lạng Sơn",
                phone="0912000000",
                content=f"Phản ánh về {word}",
                summary=summary,
                public_answer=answer,
                search_text=fold(f"PA-B{n:07d} {answer} {summary}"),
                received_at=received,
                status="published",
                due_reject=received.date(),
                due_info=received.date(),
                due_forward=received.date(),
                due_answer=received.date() + dt.timedelta(days=21),
                answered_at=received + dt.timedelta(days=5),
                published_at=min(now, received + dt.timedelta(days=6)),
            )
        )
        if len(batch) == 5000:
            Feedback.objects.bulk_create(batch)
            batch = []
    Feedback.objects.bulk_create(batch)
    return {
        "agencies": [a.code for a in made],
        "procedures": list(Procedure.objects.values_list("agency__code", "pk")),
        "codes": [f"PA-B{n:07d}" for n in range(0, answers, 97)],
    }


def pages(data: dict) -> list[tuple[str, object]]:
    def agency(rng):
        return rng.choice(data["agencies"])

    def procedure(rng):
        code, pk = rng.choice(data["procedures"])
        return f"/cong-khai/{code}/thu-tuc/{pk}/"

    return [
        ("static file (survey.css)", lambda rng: "/static/css/survey.css"),
        ("portal home", lambda rng: "/cong-khai/"),
        ("agency CCHC page", lambda rng: f"/cong-khai/{agency(rng)}/"),
        ("catalogue search", lambda rng: f"/cong-khai/{agency(rng)}/thu-tuc/?q=dau+tu"),
        ("procedure", procedure),
        ("indices", lambda rng: f"/cong-khai/{agency(rng)}/chi-so/"),
        ("published answers", lambda rng: "/phan-anh/"),
        ("published answers, page 20", lambda rng: "/phan-anh/?page=20"),
        ("one agency's answers", lambda rng: f"/phan-anh/?co-quan={agency(rng)}"),
        ("published answers search", lambda rng: "/phan-anh/?q=" + quote_plus(rng.choice(["xây dựng", "cửa khẩu"]))),
        ("one answer", lambda rng: f"/phan-anh/{rng.choice(data['codes'])}/"),
        ("dossier lookup form", lambda rng: "/tra-cuu/ho-so/"),
    ]


def hammer(port: int, path_for, requests: int, clients: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    left = [requests]

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)  # noqa: S311
        client = Client(port)
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            path = path_for(rng)
            begin = time.perf_counter()
            try:
                status, _location, _body = client.request("GET", path)
            except OSError:
                status, client = 599, Client(port)
            spent = time.perf_counter() - begin
            with lock:
                latencies.append(spent * 1000)
                errors += int(status >= 400)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"elapsed": time.perf_counter() - begin, "latencies": latencies, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (to profile pages)")
    args = parser.parse_args()
    base = postgres_base("bench/portal.py")
    url = recreate_database(base, DB_NAME)
    var_dir = tempfile.mkdtemp(prefix="cchc-portal-bench-")
    env = django_env(url, var_dir)
    from django.core.management import call_command
    from django.db import connection

    from core.reference import load_calendar_overrides, load_demo_organisation

    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        load_calendar_overrides()
        load_demo_organisation()
        started = time.perf_counter()
        data = generate(args.agencies, args.procedures, args.answers)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        connection.close()
        print(
            f"Database: postgresql {DB_NAME}: {args.agencies} agencies, {args.procedures:,} procedures, "
            f"{args.answers:,} published answers (generated in {time.perf_counter() - started:.1f} s)"
        )
        print(
            f"gunicorn {args.workers} workers x {args.threads} threads; {args.requests} requests per page, "
            f"{args.clients} concurrent clients"
        )
        failed = False
        with gunicorn(env, workers=args.workers, threads=args.threads) as port:
            for label, path_for in pages(data):
                hammer(port, path_for, min(40, args.requests), args.clients)  # warm the workers
                run = hammer(port, path_for, args.requests, args.clients)
                values = run["latencies"]
                print(
                    f"  {label:<27} {len(values) / run['elapsed']:8.1f} req/s   p50 {percentile(values, 50):7.1f} ms"
                    f"   p95 {percentile(values, 95):7.1f} ms   errors {run['errors']}"
                )
                failed |= run["errors"] > 0
        if failed:
            sys.exit("FAILED: some requests were answered with an error")
    finally:
        connection.close()
        if args.keep:
            print(f"kept: {url}")
        else:
            drop_database(base, DB_NAME)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
