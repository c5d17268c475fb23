"""Reporting progress on a task (plans:post_progress), from the page and through htmx."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_progress_htmx_error_returns_the_partial_with_the_message(login, org, task):
    response = login(org.officer).post(
        reverse("plans:post_progress", args=[task.pk]), {"progress": 150, "text": ""}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="progress-form"' in body and "<html" not in body
    assert "is-invalid" in body
    task.refresh_from_db()
    assert task.progress == 0


def test_progress_htmx_success_redirects_the_page(login, org, task):
    response = login(org.officer).post(
        reverse("plans:post_progress", args=[task.pk]), {"progress": 20, "text": "Bắt đầu"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and response["HX-Redirect"].endswith(f"/tasks/{task.pk}/")
