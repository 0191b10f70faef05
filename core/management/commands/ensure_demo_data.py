from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string


class Command(BaseCommand):
    help = (
        "Create the demo data a fresh install needs: a manager account (and, later, shop formats)."
    )

    def handle(self, *args, **options) -> None:
        self.ensure_manager()

    def ensure_manager(self) -> None:
        User = get_user_model()
        username = settings.DEMO_MANAGER_USERNAME
        password = settings.DEMO_MANAGER_PASSWORD
        manager = User.objects.filter(username=username).first()
        if manager is None:
            # Never a fixed password: a generated one is printed once, at creation.
            password = password or get_random_string(16)
            User.objects.create_superuser(
                username=username, email=f"{username}@aigallery.local", password=password
            )
            self.stdout.write(self.style.SUCCESS(f"Manager account: {username} / {password}"))
        elif password:
            manager.set_password(password)
            manager.save(update_fields=["password"])
            self.stdout.write(f"Manager account: {username} (password from DEMO_MANAGER_PASSWORD)")
        else:
            self.stdout.write(
                f"Manager account: {username} exists. Its password was printed when it was created; "
                f"set DEMO_MANAGER_PASSWORD or run `manage.py changepassword {username}` to reset it."
            )
