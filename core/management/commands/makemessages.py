from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """makemessages without fuzzy matching: a new message stays untranslated (and fails the CI
    check) instead of silently borrowing a similar message's translation."""

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
