"""The agency's public page (portal.views.agency_page): counts, never private records."""

from django.urls import reverse
from django.utils import timezone

from feedback import services as pakn


def test_the_agency_page_shows_counts_never_private_records(anon, org, make_task, cal):
    make_task(title="Rà soát quy chế nội bộ mật", status="done", par_domain=2)
    make_task(title="Nhiệm vụ khác", par_domain=2)
    item, _key = pakn.receive(
        agency=org.agency,
        channel="phone",
        name="Trần Văn Kín",
        address="Lạng Sơn",
        phone="0912000999",
        content="Nội dung riêng tư",
        cal=cal,
        received_at=timezone.now(),
    )
    page = anon.get(reverse("portal_agency", args=[org.agency.code]))
    html = page.content.decode()
    progress = page.context["progress"]
    assert progress is not None and (progress.done, progress.total) == (1, 2)
    assert [row[1:] for row in progress.by_domain] == [(1, 2)] and progress.by_domain[0][0].startswith("2.")
    for private in ("Rà soát quy chế nội bộ mật", "Trần Văn Kín", "Nội dung riêng tư", item.code):
        assert private not in html
