"""Number the events (``seq``), hash the number too, and make forks impossible.

Before this migration the chain had no numbers and its hash did not cover them. This
release is pre-production, so any events already written (on a developer's machine)
are re-chained here, from the first, in the order they were written; the hash
function is frozen below so this migration never changes meaning. It also creates the
single head row, so the first append never has to.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


def _hash_v1(prev_hash, seq, occurred_at, actor_id, organization_id, action, target_type, target_id):
    # Frozen copy of plainsight.audit.chain.event_hash as of this migration.
    payload = json.dumps(
        [
            "plainsight.audit.v1",
            prev_hash,
            int(seq),
            occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            None if actor_id is None else str(actor_id),
            None if organization_id is None else str(organization_id),
            action,
            target_type,
            target_id,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def rechain(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    db = schema_editor.connection.alias
    prev = GENESIS
    seq = 0
    # Two passes: temporary unique placeholders first, so the unique hash column
    # never holds two equal values while rows are rewritten.
    ids = list(AuditEvent.objects.using(db).order_by("id").values_list("id", flat=True))
    for row_id in ids:
        AuditEvent.objects.using(db).filter(id=row_id).update(hash=f"rechain-{row_id}")
    for event in AuditEvent.objects.using(db).order_by("id"):
        seq += 1
        digest = _hash_v1(
            prev,
            seq,
            event.occurred_at,
            event.actor_id,
            event.organization_id,
            event.action,
            event.target_type,
            event.target_id,
        )
        AuditEvent.objects.using(db).filter(id=event.id).update(
            seq=seq, prev_hash=prev, hash=digest
        )
        prev = digest
    AuditChainHead.objects.using(db).update_or_create(
        id=1, defaults={"seq": seq, "last_hash": prev}
    )


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("partners", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["seq"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
            },
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="seq",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="number"),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True, verbose_name="number"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("seq__gte", 1)), name="audit_event_seq_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("prev_hash",), name="audit_event_prev_hash_unique"
            ),
        ),
    ]
