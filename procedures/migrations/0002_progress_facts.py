# The 766 progress facts stored with each dossier, and the index that covers counting a period.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FIELDS = (
    "code",
    "received_at",
    "due_date",
    "status",
    "channel",
    "finished_at",
    "supplement_count",
    "supplement_requested_at",
    "supplement_completed_at",
)
FACTS = ("progress_ended_on", "progress_outcome", "early_through", "late_from")


def fill_facts(apps, schema_editor):
    """Works the progress facts out for the dossiers already registered (the flags play no part)."""
    from procedures import quality

    Dossier = apps.get_model("procedures", "Dossier")
    batch = []
    for values in Dossier.objects.order_by("pk").values_list("pk", *FIELDS).iterator(chunk_size=2000):
        facts = quality.facts(quality.Dossier(*values[1:]))
        batch.append(Dossier(pk=values[0], **dict(zip(FACTS, (facts.ended_on, facts.outcome, facts.early_through, facts.late_from), strict=True))))
        if len(batch) == 2000:
            Dossier.objects.bulk_update(batch, FACTS)
            batch = []
    Dossier.objects.bulk_update(batch, FACTS)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_agency_electronic_id_agency_parent_body'),
        ('procedures', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='dossier',
            name='dossier_agency_received',
        ),
        migrations.AddField(
            model_name='dossier',
            name='early_through',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='dossier',
            name='late_from',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='dossier',
            name='progress_ended_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='dossier',
            name='progress_outcome',
            field=models.CharField(blank=True, editable=False, max_length=8),
        ),
        migrations.AlterField(
            model_name='dossier',
            name='agency',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='dossiers', to='core.agency', verbose_name='agency'),
        ),
        migrations.AlterField(
            model_name='dossier',
            name='import_batch',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='procedures.dossierimport'),
        ),
        migrations.RunPython(fill_facts, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['agency', 'received_at', 'progress_ended_on', 'progress_outcome', 'early_through', 'late_from', 'unit', 'channel', 'paper_result', 'e_result', 'digitized', 'reused_data', 'fee_bearing', 'paid_online', 'complaint'], name='dossier_period_facts'),
        ),
    ]
