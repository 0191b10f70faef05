from django.db import migrations, models
from django.db.models import F


def existing_accounts_are_verified(apps, schema_editor):
    """Accounts made before verification existed keep generating as they did."""
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at=None).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_apitoken")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="e-mail verified"),
        ),
        migrations.RunPython(existing_accounts_are_verified, migrations.RunPython.noop),
    ]
