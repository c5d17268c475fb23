"""The mix pool: a receipt-link answer is written as a response only with the other answers of
its day, in one shuffled batch, so that nothing in the database ties a response to the link
spent for it, or to a time finer than its date (issue 18, M1).

A citizen's answer goes through three steps, each its own transaction:

1. `hold`: the answer waits in the pool (PendingResponse), naming the keyed hash of its link;
2. `spend`: the link is spent by a conditional update (one winner among concurrent tabs); the
   spent link forgets the agency, unit and procedure the response copies, keeping only its hash;
3. `flush`, once a day by the worker (`write_waiting_responses`): the answers of the days before
   that wait on spent links are written in one transaction, in random order (random physical
   order: ctid on PostgreSQL, rowid on SQLite), with random ids; their pool rows are deleted, and
   the links they spent are rewritten in the same transaction. So every response of a day and
   every link spent that day carry the same xmin: the transaction ids say "that day", which the
   response's date says anyway, and not which link went with which response. The pool and the
   link tables are vacuumed after, so the old row versions go too.

Crashes: a crash after 1 leaves a row whose link is still open: it is never counted (the citizen
saw an error and may answer again; the row is dropped the next day); a crash after 2 leaves a
row on a spent link: it is written with its day's batch. So an answer is never lost once the
citizen was thanked, and a link never counts twice (one row per spent link is kept).

What is left: until the night's batch, a row names its link (anyone reading the database that day
can pair them); whoever can read the database can tell which links were spent (which dossiers
answered, through the order links were made), never what they answered. Results are given only
for periods that have ended and whose answers have all left the pool (surveys.selectors), so
nobody waits on a figure that the night's batch will change.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.db import connection, transaction
from django.db.models import Count

from core.jobs import daily_job
from surveys.models import PendingResponse, Response, Source, SurveyToken
from surveys.selectors import bump_data_version

# Shuffles batches and draws response ids; the unlinkability test seeds its own.
RNG: random.Random = random.SystemRandom()


@transaction.atomic
def hold(invitation: SurveyToken, answers, *, questionnaire: str, channel: str, day: dt.date) -> PendingResponse:
    """Step 1: the answer waits in the pool, naming its link's hash (not yet counted)."""
    comment = answers.comment.strip()
    return PendingResponse.objects.create(
        claim=invitation.digest,
        agency_id=invitation.agency_id,
        unit_id=invitation.unit_id,
        procedure_id=invitation.procedure_id,
        procedure_code=invitation.procedure_code,
        channel=channel,
        questionnaire=questionnaire,
        answered_on=day,
        answers=answers.answers,
        profile={k: v for k, v in answers.profile.items() if v},
        comment=comment,
    )


@transaction.atomic
def spend(invitation: SurveyToken) -> bool:
    """Step 2: spends the link unless it was spent meanwhile; the spent link keeps only its hash
    and the used flag (nothing the response also holds: no agency, unit or procedure)."""
    return bool(
        SurveyToken.objects.filter(pk=invitation.pk, used=False).update(
            used=True, agency=None, unit=None, procedure=None, procedure_code=""
        )
    )


@transaction.atomic
def keep_only(pending: PendingResponse) -> None:
    """The link is spent with this answer: any other answer held on it (before a crash, on an
    earlier day) is not the citizen's last word, and is dropped."""
    PendingResponse.objects.filter(claim=pending.claim).exclude(pk=pending.pk).delete()


@transaction.atomic
def drop(pending: PendingResponse) -> None:
    """The link was spent by another tab: this answer is not counted."""
    PendingResponse.objects.filter(pk=pending.pk).delete()


def _on_spent_links():
    return PendingResponse.objects.filter(claim__in=SurveyToken.objects.filter(used=True).values("digest"))


def flush(*, before: dt.date | None = None) -> int:
    """Writes the answers waiting on spent links (those answered before `before`, or all) as
    responses, in one transaction and in random order, and rewrites the links they spent in the
    same transaction. Returns how many were written."""
    from surveys.services import build_response  # (lazy: surveys.services imports this module)

    with transaction.atomic():
        waiting_rows = PendingResponse.objects.select_for_update(skip_locked=True).order_by()
        if before is not None:
            waiting_rows = waiting_rows.filter(answered_on__lt=before)
        rows = list(waiting_rows)
        spent = set(
            SurveyToken.objects.filter(digest__in={r.claim for r in rows}, used=True).values_list("digest", flat=True)
        )
        RNG.shuffle(rows)
        ready: list[PendingResponse] = []
        extra: list[PendingResponse] = []
        seen: set[str] = set()
        for row in rows:
            if row.claim not in spent:
                continue  # its link is not spent (yet): in flight, or left by a crash
            (extra if row.claim in seen else ready).append(row)
            seen.add(row.claim)
        if not ready:
            return 0
        responses = []
        for row in ready:
            response = build_response(
                _answers(row),
                agency_id=row.agency_id,
                unit_id=row.unit_id,
                procedure_id=row.procedure_id,
                procedure_code=row.procedure_code,
                channel=row.channel,
                source=Source.RECEIPT,
                questionnaire=row.questionnaire,
                day=row.answered_on,
            )
            response.id = uuid.UUID(int=RNG.getrandbits(128), version=4)
            responses.append(response)
        Response.objects.bulk_create(responses)  # one statement, rows in the shuffled order
        # the spent links take this transaction's id too: their own spend transactions are gone
        SurveyToken.objects.filter(digest__in=seen, used=True).update(used=True)
        PendingResponse.objects.filter(pk__in=[r.pk for r in ready + extra]).delete()
        PendingResponse.objects.filter(claim__in=seen).delete()  # a link counts once, whatever the day
        transaction.on_commit(bump_data_version)  # the kept results of every process are stale
    return len(responses)


def _answers(row: PendingResponse):
    from surveys.services import Answers  # (lazy: surveys.services imports this module)

    return Answers(answers=row.answers, profile=row.profile, comment=row.comment)


def waiting(agency_ids: list[int] | None = None) -> int:
    """How many answers wait in the pool for the agencies (all when None): a number only, never
    their answers."""
    pending = _on_spent_links()
    if agency_ids is not None:
        pending = pending.filter(agency_id__in=agency_ids)
    found = pending.aggregate(n=Count("claim", distinct=True))
    return found["n"] or 0


@daily_job("surveys.write_waiting_responses")
def write_waiting_responses(*, today: dt.date, cal=None) -> dict:
    """Once a day: writes the answers of the days before (one batch), and drops rows left by a
    crash before their link was spent (two days old or more, link still open)."""
    written = flush(before=today)
    # from the day before yesterday: an answer held at 23:59 may see its link spent after midnight
    stale = PendingResponse.objects.filter(answered_on__lt=today - dt.timedelta(days=1)).exclude(
        claim__in=SurveyToken.objects.filter(used=True).values("digest")
    )
    dropped, _ = stale.delete()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # the deleted and rewritten rows' old versions go too
            cursor.execute("VACUUM surveys_pendingresponse, surveys_surveytoken")
    return {"written": written, "dropped": dropped}
