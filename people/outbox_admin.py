"""Actions an administrator takes on the outbox (the Outbox page calls these)."""

import logging

from django.db import transaction

from . import outbox
from .models import OutboundEmail

logger = logging.getLogger(__name__)


@transaction.atomic
def retry_failed_email(*, email_id: int) -> bool:
    """Put one failed e-mail back in the queue with its attempts reset; True when this call did.

    One conditional UPDATE (only a failed row changes), so a double click or two
    administrators at once change it once and queue it once. The last error is
    kept until the e-mail goes out. The send is queued after the commit.
    """
    changed = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.PENDING, attempts=0, retry_at=None, claimed_at=None
    )
    if not changed:
        return False
    logger.info("E-mail %s put back to be sent again", email_id)
    transaction.on_commit(lambda: outbox._queue(email_id))
    return True
