"""JSON API, PAR INDEX: the rounds a user sees, the ranking (participants see their own row
without a rank before publication, every row of the final column after it), a scorecard's points."""

import pytest

from scorecards.models import Round, Scorecard


def ranking(client, user, round_, column=None):
    client.force_login(user)
    query = f"?column={column}" if column else ""
    return client.get(f"/api/v1/par/rounds/{round_.pk}/ranking{query}")


def test_the_organiser_sees_every_agency_ranked(client, org, par_round):
    rows = ranking(client, org.appraiser, par_round, "self").json()
    shown = [(r["agency"], r["rank"], r["index_percent"]) for r in rows]
    assert shown == [("SCT", 1, "90.00"), ("BQLKKTCK", 2, "80.00")]


def test_before_publication_a_participant_sees_only_its_own_row_without_rank(client, org, par_round):
    rows = ranking(client, org.officer, par_round).json()
    assert [(r["agency"], r["rank"]) for r in rows] == [("BQLKKTCK", None)]
    assert [r["agency"] for r in ranking(client, org.outsider, par_round, "self").json()] == ["SCT"]


def test_after_publication_participants_see_the_final_ranking_only(client, org, par_round):
    Round.objects.filter(pk=par_round.pk).update(phase="published")
    rows = ranking(client, org.officer, par_round).json()
    assert [(r["agency"], r["rank"]) for r in rows] == [("SCT", 1), ("BQLKKTCK", 2)]
    assert ranking(client, org.officer, par_round, "self").status_code == 403
    assert ranking(client, org.appraiser, par_round, "self").status_code == 200  # the organiser: any column


@pytest.mark.parametrize("column", ["total", "a3"])
def test_an_unknown_column_is_422(client, org, par_round, column):
    assert ranking(client, org.appraiser, par_round, column).status_code == 422


def test_rounds_are_listed_for_their_organiser_and_participants(client, org, par_round):
    for user in (org.appraiser, org.officer, org.outsider):
        client.force_login(user)
        assert [r["id"] for r in client.get("/api/v1/par/rounds").json()] == [par_round.pk], user


def test_a_scorecards_points_in_four_columns_for_its_agency(client, org, par_round):
    card = Scorecard.objects.get(round=par_round, agency=org.agency)
    client.force_login(org.office)
    data = client.get(f"/api/v1/par/scorecards/{card.pk}").json()
    assert (data["id"], data["agency"], data["round"]) == (card.pk, "BQLKKTCK", par_round.pk)
    assert set(data["columns"]) == {"self", "a1", "a2", "final"}
    client.force_login(org.outsider)
    assert client.get(f"/api/v1/par/scorecards/{card.pk}").status_code == 404
