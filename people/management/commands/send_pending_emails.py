from django.core.management.base import BaseCommand

from people.outbox import SWEEP_AFTER, send_pending_emails


class Command(BaseCommand):
    help = (
        "Send the e-mails still waiting in the outbox (recorded more than a minute ago). "
        "Celery beat does this every minute; run it by hand when no beat process is running."
    )

    def handle(self, *args, **options):
        result = send_pending_emails()
        self.stdout.write(f"Sent {result.sent}, failed {result.failed} (e-mails waiting over {SWEEP_AFTER}).")
        if result.released:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.released)} e-mail(s) were being sent when a worker stopped; they were put back "
                    "to be sent (the one in flight at that moment may arrive twice)."
                )
            )
