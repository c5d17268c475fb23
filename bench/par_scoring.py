"""Benchmark of the PAR INDEX scoring on a generated province.

Generates one province with a Sở Nội vụ and N agencies (300 by default), a criteria set of exactly
150 nodes (8 domains, groups and leaves using every rule type, `na` leaves, survey and external
leaves, bonus and penalty items) and a round with one scorecard per agency. Every leaf gets a
declared value (bulk_update), and some rows get appraisal 1, appraisal 2 and council points, so
the four score columns (self, a1, a2, final) differ. Then measures:

- scoring every agency x 4 columns from the database: loading the NodeScore rows, computing
  (columns.compute) and storing the per-column summaries (columns.refresh_results), also
  the way the app does it one scorecard at a time (refresh_results loading its own rows);
- ranking the round on each of the 4 columns (selectors.ranking, from the stored results);
- the scoring screen GET /par/cards/<pk>/ through the test client, for a set of 40, 150 and
  400 nodes, viewed by the agency's Office focal point during self-scoring and by a superuser
  during the council: wall time (best of 5) and number of SQL queries. The query count must not
  grow with the number of nodes; when it does, the queries whose count grows are printed.

Timings are printed only, never checked. The script exits non-zero if the generated data is not
what it should be (node count, declared values rejected by the rules, columns not differing,
a page not answering 200).

Run from the project root:

    .venv/bin/python bench/par_scoring.py [--agencies 300 --nodes 150]

By default it uses its own SQLite file (bench.sqlite3 in a fresh temporary VAR_DIR, deleted at
the end). With DATABASE_URL set it uses that database instead, e.g. PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/par_scoring.py

That database must be a throwaway, empty one: the script migrates it, refuses to run if it already
holds agencies, and leaves its generated data in it (drop the database afterwards).
"""

import argparse
import datetime as dt
import random
import re
import sys
import time
from collections import Counter, defaultdict
from decimal import ROUND_DOWN, Decimal

import _harness

_harness.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.models import Agency, Document, Membership, Province, Unit, User  # noqa: E402
from scorecards import columns, scoring, selectors, services  # noqa: E402
from scorecards.models import Assignment, NodeScore, Phase, Round, Scorecard, ScoreEvidence  # noqa: E402

TODAY = dt.date(2026, 12, 15)
YEAR = 2026
BATCH = 500
RUNS = 5
DOMAIN_MAX = (12, 7, 18, 7, 10, 7, 12, 27)  # adds up to the scale, 100
CENT = Decimal("0.01")
FACTOR_LEVELS = ("Đầy đủ", "Chưa đầy đủ", "Không")
POINT_LEVELS = ("Tốt", "Đạt", "Không đạt")
# (rule type, source, na) of the leaves, in turn: every rule type, the three sources, both na modes.
LEAF_KINDS = (
    ("binary", "self", ""),
    ("levels", "self", ""),  # factor levels
    ("bands", "self", ""),
    ("proportional", "external", ""),
    ("per_item", "self", ""),
    ("deduction", "self", ""),
    ("levels", "self", "full"),  # point levels
    ("percent", "survey", ""),
    ("manual", "self", ""),
    ("bands", "external", "exclude"),
    ("binary", "self", "exclude"),
)


# --- the generated criteria set -----------------------------------------------------------------


def split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` shares of whole cents adding up exactly to it."""
    cents = int(total / CENT)
    base, extra = divmod(cents, parts)
    return [(base + (1 if i < extra else 0)) * CENT for i in range(parts)]


def num(value: Decimal) -> int | float:
    """A number as YAML gives it (the shortest float repr keeps the cents exact)."""
    return int(value) if value == value.to_integral_value() else float(value)


def half(value: Decimal) -> Decimal:
    return (value / 2).quantize(CENT, rounding=ROUND_DOWN)


def leaf(code: str, maximum: Decimal, index: int) -> dict:
    kind, source, na = LEAF_KINDS[index % len(LEAF_KINDS)]
    rule: dict = {"type": kind}
    if kind == "levels" and na:
        rule["levels"] = [
            {"label": label, "points": num(p)}
            for label, p in zip(POINT_LEVELS, (maximum, half(maximum), Decimal(0)), strict=True)
        ]
    elif kind == "levels":
        rule["levels"] = [{"label": label, "factor": f} for label, f in zip(FACTOR_LEVELS, (1, 0.5, 0), strict=True)]
    elif kind == "bands":
        rule["bands"] = [
            {"min": 100, "points": num(maximum)},
            {"min": 80, "points": num(half(maximum))},
            {"min": 0, "points": 0},
        ]
    elif kind == "proportional":
        rule["target"] = 0.8 if index % 2 else 1.0
    elif kind == "per_item":
        rule["points_per_item"] = num(max(half(half(maximum)), CENT))
    elif kind == "deduction":
        rule["per_violation"] = num(max(half(maximum), CENT))
    node = {"code": code, "name": f"Tiêu chí {code}", "max": num(maximum), "source": source, "rule": rule}
    if na:
        node["na"] = na
    if index % 5 == 0:
        node["evidence"] = [f"Văn bản kiểm chứng tiêu chí {code}"]
        node["guidance"] = f"Hướng dẫn chấm tiêu chí {code}."
    return node


def criteria_data(n_nodes: int, code: str) -> dict:
    """A valid criteria set of exactly n_nodes nodes: 8 domains; under each, groups of up to four
    leaves, every third child a leaf directly under the domain."""
    domains = len(DOMAIN_MAX)
    if n_nodes < 2 * domains:
        raise SystemExit(f"--nodes must be at least {2 * domains}")
    below = [len(share) for share in (range(i, n_nodes - domains, domains) for i in range(domains))]
    leaves = 0
    nodes = []
    for d, (domain_max, size) in enumerate(zip(DOMAIN_MAX, below, strict=True), start=1):
        shapes = []  # number of leaves of each child (0: a leaf itself)
        remaining = size
        while remaining:
            if len(shapes) % 3 == 2 or remaining == 1:
                shapes.append(0)
                remaining -= 1
            else:
                grouped = min(4, remaining - 1)
                shapes.append(grouped)
                remaining -= grouped + 1
        children = []
        for c, (shape, child_max) in enumerate(
            zip(shapes, split(Decimal(domain_max), len(shapes)), strict=True), start=1
        ):
            child_code = f"{d}.{c}"
            if not shape:
                children.append(leaf(child_code, child_max, leaves))
                leaves += 1
                continue
            grandchildren = []
            for g, leaf_max in enumerate(split(child_max, shape), start=1):
                grandchildren.append(leaf(f"{child_code}.{g}", leaf_max, leaves))
                leaves += 1
            children.append(
                {"code": child_code, "name": f"Nhóm {child_code}", "max": num(child_max), "children": grandchildren}
            )
        nodes.append({"code": str(d), "name": f"Lĩnh vực {d}", "max": domain_max, "children": children})
    return {
        "code": code,
        "name": f"Bộ tiêu chí sinh tự động, {n_nodes} tiêu chí (benchmark)",
        "year": YEAR,
        "scale": 100,
        "rescale_missing_survey": True,
        "classification": [
            {"label": "A", "min": 90},
            {"label": "B", "min": 80},
            {"label": "C", "min": 70},
            {"label": "Dưới C", "min": 0},
        ],
        "nodes": nodes,
        "adjustments": {
            "bonus": {
                "cap": 3,
                "items": [{"code": "B1", "name": "Sáng kiến", "max": 1}, {"code": "B2", "name": "Đột xuất", "max": 2}],
            },
            "penalty": {
                "cap": 5,
                "items": [
                    {"code": "P1", "name": "Bị phê bình", "max": 3},
                    {"code": "P2", "name": "Nộp chậm", "max": 3},
                ],
            },
        },
    }


# --- declared values and appraisers' points --------------------------------------------------------


def declared_value(rng: random.Random, node: scoring.Node):
    """A declared value in file form, as the screen stores it."""
    if node.na and rng.random() < 0.15:
        return scoring.NA
    kind = node.rule.type
    if kind == "binary":
        return rng.random() < 0.8
    if kind == "levels":
        return rng.choices([lv.label for lv in node.rule.levels], weights=(6, 3, 1))[0]
    if kind in ("bands", "proportional"):
        if rng.random() < 0.5:
            denominator = rng.randint(5, 400)
            numerator = denominator if rng.random() < 0.4 else rng.randint(0, denominator)
            return {"numerator": str(numerator), "denominator": str(denominator)}
        return {"percent": str(rng.choice((100, 95, rng.randint(50, 100))))}
    if kind == "per_item":
        return {"count": str(rng.randint(0, 6))}
    if kind == "deduction":
        return {"violations": str(rng.choices((0, 1, 2, 3), weights=(6, 2, 1, 1))[0])}
    if kind == "percent":
        return {"percent": str(Decimal(rng.randint(6000, 10000)) / 100)}
    return {"points": str((node.max * Decimal(rng.randint(0, 100)) / 100).quantize(CENT, rounding=ROUND_DOWN))}


def appraised(rng: random.Random, maximum: Decimal) -> Decimal:
    return (maximum * Decimal(rng.randint(0, 100)) / 100).quantize(CENT, rounding=ROUND_DOWN)


def fill(rng: random.Random, round_: Round) -> int:
    """Declared values on every leaf and item, appraisers' points on some rows (bulk_update)."""
    cset = round_.criteria_set.parsed()
    nodes = cset.by_code()
    items = {(block, i.code): i for block in ("bonus", "penalty") for i in getattr(cset, block).items}
    rows = list(NodeScore.objects.filter(scorecard__round=round_))
    for row in rows:
        maximum = items[(row.block, row.code)].max if row.block else nodes[row.code].max
        if row.block:
            row.declared = {"points": str(appraised(rng, maximum))} if rng.random() < 0.6 else None
        else:
            row.declared = declared_value(rng, nodes[row.code])
            scoring.parse_value(nodes[row.code], row.declared)  # raises if the rule rejects it
        r = rng.random()
        row.a1_points = appraised(rng, maximum) if r < 0.12 else None
        row.a2_points = appraised(rng, maximum) if 0.06 < r < 0.16 else None
        row.final_points = appraised(rng, maximum) if 0.1 < r < 0.2 else None
    # Django builds one CASE WHEN per field and row: the appraisers' points only on the rows that have some.
    NodeScore.objects.bulk_update(rows, ["declared"], batch_size=BATCH)
    appraised_rows = [r for r in rows if (r.a1_points, r.a2_points, r.final_points) != (None, None, None)]
    NodeScore.objects.bulk_update(appraised_rows, ["a1_points", "a2_points", "final_points"], batch_size=BATCH)
    return len(rows)


def add_evidence(rng: random.Random, card: Scorecard) -> int:
    """Evidence documents on a third of the rows and two unit assignments, so the screen shows them."""
    rows = list(card.scores.all())
    docs = Document.objects.bulk_create(
        [
            Document(
                agency=card.agency,
                doc_number=f"{n}/KH-UBND" if n % 4 else "",
                issued_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(-30, 400)),
                issuer="UBND tỉnh",
                abstract=f"Văn bản kiểm chứng {n}",
            )
            for n in range(1, len(rows) // 2 + 2)
        ]
    )
    links = [
        ScoreEvidence(score=row, document=doc, stage=rng.choice(ScoreEvidence.Stage.values))
        for i, row in enumerate(rows)
        if i % 3 == 0
        for doc in rng.sample(docs, rng.randint(1, 2))
    ]
    ScoreEvidence.objects.bulk_create(links)
    units = Unit.objects.bulk_create(
        [Unit(agency=card.agency, code=f"U{card.pk}-{k}", name=f"Phòng {k}", order=k) for k in range(2)]
    )
    Assignment.objects.bulk_create(
        [Assignment(scorecard=card, code="1", unit=units[0]), Assignment(scorecard=card, code="2.1", unit=units[1])]
    )
    return len(links)


# --- generation -------------------------------------------------------------------------------------


def load_set(province: Province, n_nodes: int):
    data = criteria_data(n_nodes, f"BENCH-{n_nodes}")
    stored, _ = services.load_criteria_set(province=province, data=data, publish=True, source_name=f"bench-{n_nodes}")
    cset = stored.parsed()
    count = sum(1 for _ in cset.walk())
    if count != n_nodes:
        sys.exit(f"The generated set has {count} nodes, not {n_nodes}")
    if cset.warnings:
        sys.exit("The generated set has warnings:\n" + "\n".join(map(str, cset.warnings)))
    return stored, cset


@transaction.atomic
def generate(n_agencies: int, sizes: list[int], main_size: int) -> dict[int, Round]:
    """One round of every agency on the main set, and one round of the first agency per other size."""
    rng = random.Random(42)
    province = Province.objects.create(code="BENCH", name="Bench province")
    snv = Agency.objects.create(province=province, code="SNV", name="Sở Nội vụ", kind=Agency.Kind.HOME_AFFAIRS)
    agencies = Agency.objects.bulk_create(
        [Agency(province=province, code=f"AG{i + 1:04d}", name=f"Agency {i + 1:04d}") for i in range(n_agencies)]
    )
    rounds = {}
    for size in sizes:
        stored, cset = load_set(province, size)
        members = agencies if size == main_size else agencies[:1]
        start = time.perf_counter()
        round_ = services.create_round(
            actor=None,
            organizer=snv,
            criteria_set=stored,
            agencies=members,
            name=f"Chỉ số CCHC {YEAR} ({size} tiêu chí)",
            year=YEAR,
            today=TODAY,
        )
        created = time.perf_counter() - start
        start = time.perf_counter()
        n_rows = fill(rng, round_)
        filled = time.perf_counter() - start
        n_links = add_evidence(rng, round_.scorecards.get(agency=agencies[0]))
        print(
            f"set of {size} nodes ({len(cset.leaves())} leaves): round of {len(members)} scorecard(s), "
            f"{n_rows} score rows; create_round {created:.1f} s, declared values (bulk_update) {filled:.1f} s; "
            f"{n_links} evidence links on the measured scorecard"
        )
        rounds[size] = round_
    return rounds


# --- measurements ---------------------------------------------------------------------------------


def score_all(round_: Round, *, bulk: bool) -> tuple[float, float, int]:
    """Scores and stores every scorecard of the round: (load s, compute + store s, queries).
    bulk: one query for every row, then refresh_results(card, rows); else refresh_results(card),
    which loads its own rows (what the app does after each change)."""
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        start = time.perf_counter()
        cards = list(round_.scorecards.all())
        for card in cards:
            card.round = round_  # the set is parsed once (cached on the round's CriteriaSet)
        by_card = defaultdict(list)
        if bulk:
            for row in NodeScore.objects.filter(scorecard__round=round_).order_by("scorecard_id", "id"):
                by_card[row.scorecard_id].append(row)
        loaded = time.perf_counter()
        for card in cards:
            columns.refresh_results(card, by_card[card.pk] if bulk else None)
        done = time.perf_counter()
    return loaded - start, done - loaded, len(ctx)


def compute_only(round_: Round) -> tuple[float, dict]:
    """columns.compute for every scorecard (pure: no query, no storing)."""
    cset = round_.criteria_set.parsed()
    by_card = defaultdict(list)
    for row in NodeScore.objects.filter(scorecard__round=round_).order_by("scorecard_id", "id"):
        by_card[row.scorecard_id].append(row)
    start = time.perf_counter()
    results = {pk: columns.compute(cset, rows) for pk, rows in by_card.items()}
    return time.perf_counter() - start, results


def check_columns(results: dict) -> str:
    """The four columns must differ (totals of at least some scorecards), or the data is too tame."""
    differ = {
        (a, b): sum(1 for r in results.values() if r[a].total != r[b].total)
        for a, b in (("self", "a1"), ("a1", "a2"), ("a2", "final"))
    }
    if not all(differ.values()):
        sys.exit(f"The score columns do not differ enough: {differ}")
    return ", ".join(f"{a}≠{b} on {n}" for (a, b), n in differ.items())


def normalise(sql: str) -> str:
    """The shape of a query: literals and lists of literals replaced, so repeats can be counted."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r"\(\?(?:, \?)*\)", "(?...)", sql)


def get_page(client: Client, card: Scorecard):
    response = client.get(f"/par/cards/{card.pk}/")
    if response.status_code != 200:
        sys.exit(f"GET /par/cards/{card.pk}/ returned {response.status_code}")
    return response


def page(client: Client, card: Scorecard) -> tuple[float, list[str], int]:
    """Best wall time in ms, the SQL of a first (warm-up) request, and the page size."""
    with CaptureQueriesContext(connection) as ctx:
        response = get_page(client, card)
    cset = card.round.criteria_set.parsed()
    expected = len(cset.leaves()) + len(cset.bonus.items) + len(cset.penalty.items)
    shown = response.content.decode().count('class="par-leaf')
    if shown != expected:
        sys.exit(f"GET /par/cards/{card.pk}/ shows {shown} score rows, not {expected}")
    sql = [q["sql"] for q in ctx.captured_queries]  # read now: each request empties connection.queries
    seconds, _ = _harness.best_of(lambda: get_page(client, card), RUNS)
    return seconds * 1000, sql, len(response.content)


def set_phase(round_: Round, phase: str, status: str) -> None:
    Round.objects.filter(pk=round_.pk).update(phase=phase)
    Scorecard.objects.filter(round=round_).update(status=status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--nodes", type=int, default=150, help="nodes of the main criteria set")
    parser.add_argument("--page-sizes", default="40,400", help="other set sizes for the scoring screen")
    parser.add_argument("--sql", action="store_true", help="print the SQL of the scoring screen (main set)")
    args = parser.parse_args()
    _harness.prepare_database()
    sizes = sorted({args.nodes, *(int(s) for s in args.page_sizes.split(",") if s.strip())})
    start = time.perf_counter()
    rounds = generate(args.agencies, sizes, args.nodes)
    print(f"Generated in {time.perf_counter() - start:.1f} s")
    main_round = rounds[args.nodes]
    n_cards = main_round.scorecards.count()

    print(f"\nScoring {n_cards} agencies x 4 columns, set of {args.nodes} nodes")
    seconds, results = compute_only(main_round)
    print(f"  columns differ: {check_columns(results)}")
    print(f"{'':2}{'step':<58}{'s':>8}{'ms/agency':>11}{'queries':>9}")
    for bulk, label in ((True, "rows loaded in one query"), (False, "refresh_results(card) loads own rows")):
        load, store, queries = score_all(main_round, bulk=bulk)
        total = load + store
        print(f"{'':2}{f'score + store ({label})':<58}{total:>8.2f}{total * 1000 / n_cards:>11.2f}{queries:>9}")
        if bulk:
            print(f"{'':4}{'of which loading the rows':<56}{load:>8.2f}")
    seconds, _ = compute_only(main_round)
    print(
        f"{'':2}{'compute only (4 columns, rows already loaded)':<58}{seconds:>8.2f}{seconds * 1000 / n_cards:>11.2f}"
    )

    print(f"\nRanking {n_cards} agencies from the stored results (selectors.ranking), best of {RUNS}")
    total = 0.0
    for column in columns.COLUMNS:
        fresh = Round.objects.select_related("criteria_set").get(pk=main_round.pk)
        with CaptureQueriesContext(connection) as ctx:
            rows = selectors.ranking(fresh, column)
        seconds, _ = _harness.best_of(lambda fresh=fresh, column=column: selectors.ranking(fresh, column), RUNS)
        total += seconds
        top = rows[0]
        print(
            f"  {column:<6}{seconds * 1000:>8.2f} ms, {len(ctx)} queries; first: {top['agency'].code} "
            f"{top['index']}% ({top['data'].get('classification')}), ranked {sum(1 for r in rows if r['rank'])}"
        )
    print(f"  all 4 columns: {total * 1000:.2f} ms")

    focal = User.objects.create_user(username="bench-focal")
    Membership.objects.create(user=focal, agency=main_round.scorecards.first().agency, role="focal_point")
    admin = User.objects.create_superuser(username="bench-admin", password=None)
    viewers = [
        ("focal point, self-scoring", focal, Phase.SELF, Scorecard.Status.DRAFT),
        ("superuser, council", admin, Phase.COUNCIL, Scorecard.Status.SUBMITTED),
    ]
    print(f"\nScoring screen GET /par/cards/<pk>/, best of {RUNS}")
    print(f"{'':2}{'set':<12}{'viewer, phase':<28}{'ms':>9}{'queries':>9}{'KB':>8}")
    captured: dict[str, dict[int, list[str]]] = defaultdict(dict)
    for label, user, phase, status in viewers:
        client = Client()
        client.force_login(user)
        for size in sizes:
            round_ = rounds[size]
            set_phase(round_, phase, status)
            card = round_.scorecards.order_by("agency__code").first()
            ms, sql, size_bytes = page(client, card)
            captured[label][size] = sql
            print(f"{'':2}{f'{size} nodes':<12}{label:<28}{ms:>9.2f}{len(sql):>9}{size_bytes / 1024:>8.0f}")
            if args.sql and size == args.nodes:
                print("\n".join(f"{'':4}{n}. {q}" for n, q in enumerate(sql, 1)))
    grows = False
    for label, by_size in captured.items():
        small, large = min(by_size), max(by_size)
        shapes_small, shapes_large = Counter(map(normalise, by_size[small])), Counter(map(normalise, by_size[large]))
        growing = [(s, shapes_small[s], n) for s, n in shapes_large.items() if n > shapes_small[s]]
        if growing:
            grows = True
            print(f"\n  {label}: queries repeated more often with {large} nodes than with {small}:")
            for shape, a, b in growing:
                example = next(q for q in by_size[large] if normalise(q) == shape)
                print(f"    {a} -> {b} times: {example}")
    print("query count grows with the number of nodes" if grows else "query count independent of the number of nodes")
    print("target: query count independent of the number of nodes")


if __name__ == "__main__":
    _harness.run(main)
