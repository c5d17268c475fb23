from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Illustrative data for a newcomer (`manage.py load_demo`): the top floor, above every app it
    fills; only `config` stands above it."""

    name = "demo"
