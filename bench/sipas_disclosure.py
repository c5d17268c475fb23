"""Benchmark of the SIPAS disclosure control (surveys.results.Results, issue 18 H2).

Generates synthetic responses (no database: `Results` is built from rows) over one year, with 20
units, 80 procedures in 8 fields, three channels, four sources, two campaigns, the respondent
profile and about one answer in ten left blank, and measures, for 3,000 and 15,000 responses:

- the whole agency's figure of a quarter (building `Results` + `result`);
- the breakdown of that quarter by unit, and by procedure (a fresh `Results` each time, as a
  request without the cache would);
- the province page: four agencies sharing the responses, the province total and each agency's
  figures with complementary suppression (`selectors.province_results`);
- the same whole-agency figure again through the cache of built results (`selectors.results`
  is keyed by the data version; here the in-memory memo of `Results`, no database).

Timings are printed only, never checked. Run from the project root:

    .venv/bin/python bench/sipas_disclosure.py [--sizes 3000 15000] [--runs 1]
"""

import argparse
import datetime as dt
import random
import sys
import time

import _harness

_harness.setup()

from surveys import disclosure, selectors  # noqa: E402
from surveys.index import compute  # noqa: E402
from surveys.results import Results  # noqa: E402

FORM = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)
TODAY = dt.date(2027, 2, 1)
CAMPAIGNS = [
    disclosure.campaign_period(1, "Đợt 1", dt.date(2026, 3, 10), dt.date(2026, 6, 20)),
    disclosure.campaign_period(2, "Đợt 2", dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
]
QUARTER = disclosure.period("quarter", 2026, 3)


def generate(n: int, rng: random.Random) -> list[tuple]:
    q = FORM.questionnaire
    units = [f"Phòng {i:02d}" for i in range(20)]
    fields = [f"Lĩnh vực {i}" for i in range(8)]
    procedures = [(f"1.{i:03d}", f"Thủ tục {i}", fields[i % 8]) for i in range(80)]
    served = {code: rng.sample(units, rng.choice((1, 1, 2))) for code, _n, _f in procedures}
    rows = []
    for _i in range(n):
        code, name, field = rng.choice(procedures)
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
        answers = {c: (None if rng.random() < 0.1 else rng.randint(1, 5)) for c in q.items}
        answers |= {c: (None if rng.random() < 0.3 else rng.randint(1, 3)) for c in q.expectations}
        profile = {k: rng.choice([*choices, ""]) for k, (_t, choices) in FORM.profile.items()}
        campaign = next((c.number for c in CAMPAIGNS if c.start <= day <= c.end and rng.random() < 0.7), None)
        source = rng.choices(("receipt", "staff", "import", "open"), (6, 2, 1, 1))[0]
        channel = rng.choice(("online", "direct", "paper"))
        rows.append((answers, rng.choice(served[code]), code, name, field, channel, source, day, profile, campaign))
    return rows


def timed(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def build(rows, **kw):
    return Results(rows, FORM, campaigns=CAMPAIGNS, today=TODAY, min_cell=5, **kw)


def province(rows):
    parts = [(f"Sở {i}", rows[i::4]) for i in range(4)]
    if hasattr(selectors, "province_results"):
        built = [(name, build(part)) for name, part in parts]
        total, groups = selectors.province_results(built, FORM, QUARTER, today=TODAY)
        return total, groups
    # before issue 18's review: one Results per agency and the pooled index
    groups = [build(part).result(QUARTER) for _name, part in parts]
    total = compute((r[0] for r in rows if QUARTER.start <= r[7] <= QUARTER.end), FORM.questionnaire)
    return total, groups


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 15000])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(18)
    print(f"{'responses':>10} {'whole agency':>13} {'by unit':>9} {'by procedure':>13} {'province':>9} {'cached':>8}")
    for n in args.sizes:
        rows = generate(n, rng)
        whole = timed(lambda rows=rows: build(rows).result(QUARTER), args.runs)
        by_unit = timed(lambda rows=rows: build(rows).breakdown(QUARTER, "unit"), args.runs)
        by_procedure = timed(lambda rows=rows: build(rows).breakdown(QUARTER, "procedure"), args.runs)
        by_province = timed(lambda rows=rows: province(rows), args.runs)
        cached = float("nan")
        if hasattr(selectors, "memoised"):
            key = ("bench", n)
            selectors.memoised(key, lambda rows=rows: build(rows))
            cached = timed(lambda rows=rows, key=key: selectors.memoised(key, lambda: build(rows)).result(QUARTER), 3)
        print(f"{n:>10} {whole:>12.2f}s {by_unit:>8.2f}s {by_procedure:>12.2f}s {by_province:>8.2f}s {cached:>7.3f}s")
        sys.stdout.flush()


if __name__ == "__main__":
    _harness.run(main)
