"""An e-mail backend for benchmarks: builds each message as Django's in-memory backend does (the MIME
structure, with its header checks), then drops it instead of keeping it, so a run of 200,000 e-mails
does not hold them all in a worker's memory. Selected with EMAIL_BACKEND=bench.null_mail.EmailBackend."""

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        for message in messages:
            message.message()
        return len(messages)
