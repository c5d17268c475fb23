"""JSON API, calendar: a dossier's due date by the one-stop rules (core.deadlines)."""


def test_due_date_in_working_days_after_the_cut_off(client, org):
    client.force_login(org.officer)
    # received Monday 09/03/2026 at 16:00, after the 15:00 cut-off: day zero is Tuesday
    response = client.get("/api/v1/calendar/due-date?received=2026-03-09T16:00&limit=5")
    assert response.status_code == 200
    assert response.json()["day0"] == "2026-03-10"


def test_out_of_range_inputs_are_422(client, org):
    client.force_login(org.officer)
    for query in ("received=1900-01-01T09:00&limit=5", "received=2026-03-09T09:00&limit=9999"):
        assert client.get(f"/api/v1/calendar/due-date?{query}").status_code == 422, query
