"""The e-mail to the sender at each public step (feedback.services.notify_sender), sent once the
step is committed; a mail failure does not undo the step."""

from django.utils import timezone

from feedback import services


def test_the_sender_is_emailed_at_each_public_step(
    org, receive, published, mailoutbox, django_capture_on_commit_callbacks
):
    item = receive()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_info(item=item, actor=org.officer, text="Gửi bản chụp giấy hẹn", now=timezone.now())
    assert len(mailoutbox) == 1
    assert item.code in mailoutbox[0].subject and "Gửi bản chụp giấy hẹn" in mailoutbox[0].body
    assert f"/phan-anh/{item.code}/" in mailoutbox[0].body
    services.info_supplied(item=item, actor=org.officer, text="")
    with django_capture_on_commit_callbacks(execute=True):
        published(item)
    assert len(mailoutbox) == 2 and "công khai" in mailoutbox[1].subject
    no_mail = receive(email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.forward(item=no_mail, actor=org.officer, to="UBND tỉnh", now=timezone.now())
    assert len(mailoutbox) == 2


def test_a_mail_failure_does_not_undo_the_step(org, receive, monkeypatch, django_capture_on_commit_callbacks):
    item = receive()

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(services, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.forward(item=item, actor=org.officer, to="Sở Tài chính", now=timezone.now())
    item.refresh_from_db()
    assert item.status == "forwarded"
