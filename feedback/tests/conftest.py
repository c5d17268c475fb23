"""Feedback items for the tests of this app: `item` (received online on Thu 27/08/2026 at 09:00
local time, with the sender's personal details in its text), `receive` and `phoned` (factories for more) and
`published` (takes an item through to the portal)."""

import datetime as dt

import pytest
from django.utils import timezone

from feedback import services

T = dt.datetime
RECEIVED = T(2026, 8, 27, 2, 0, tzinfo=dt.UTC)  # Thu 27/08/2026 09:00 local


@pytest.fixture
def receive(org, cal):
    """A new item: `receive(**fields)`, the sender's key as `item.key`."""

    def make(
        *,
        name="Nguyễn Văn Bình",
        address="Đồng Đăng",
        phone="0912 345 678",
        email="binh@example.vn",
        content="Hồ sơ chậm",
        channel="online",
        at=None,
        dossier="",
        **extra,
    ):
        created, key = services.receive(
            agency=org.agency,
            channel=channel,
            name=name,
            address=address,
            phone=phone,
            email=email,
            content=content,
            dossier_code=dossier,
            cal=cal,
            received_at=at or timezone.now(),
            **extra,
        )
        created.key = key
        return created

    return make


@pytest.fixture
def phoned(receive):
    """`phoned(at)`: a short item taken by phone at `at`, the sender without e-mail."""

    def make(at, **fields):
        return receive(
            **{
                "channel": "phone",
                "name": "A",
                "address": "B",
                "phone": "0912000111",
                "email": "",
                "content": "C",
                **fields,
            },
            at=at,
        )

    return make


@pytest.fixture
def item(receive):
    return receive(
        address="Thôn Nà Chào, xã Đồng Đăng",
        content="Tôi là Nguyễn Văn Bình, gọi 0912 345 678: hồ sơ H38.15-260810-0001 bị yêu cầu thêm giấy tờ.",
        at=RECEIVED,
    )


@pytest.fixture
def published(org, cal):
    """`published(item)`: classified to unit QLDN, answered, approved and published now."""

    def publish(item):
        now = timezone.now()
        services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
        services.submit_answer(item=item, actor=org.officer, answer="Đã giải quyết.")
        services.approve(item=item, actor=org.leader, cal=cal, now=now)
        services.publish(item=item, actor=org.office, now=now)
        item.refresh_from_db()
        return item

    return publish
