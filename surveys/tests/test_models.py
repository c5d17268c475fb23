"""What a stored response may not hold: no time, no address, no dossier."""

from surveys.models import Response


def test_responses_keep_no_time_no_address_no_dossier():
    fields = {f.name: f.get_internal_type() for f in Response._meta.get_fields() if hasattr(f, "get_internal_type")}
    assert "DateTimeField" not in fields.values()
    assert not {"ip", "ip_address", "user_agent", "dossier", "token", "created_at"} & set(fields)
    assert fields["id"] == "UUIDField"
