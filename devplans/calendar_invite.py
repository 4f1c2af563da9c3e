"""The .ics invite attached to check-in reminders (RFC 5545), written directly.

The icalendar package writes the same text but takes about 0.8 ms an invite (it folds every line
through its own parser types); when 100,000 check-ins fall due at once that alone is 80 seconds
(bench/reminders.py). An all-day event with two attendees needs only escaping and line folding, which
are a few lines here; the tests parse every invite back with icalendar to hold it to the standard.
"""

from datetime import UTC, date, datetime, timedelta

_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": ""})


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newline escaped (RFC 5545 3.3.11)."""
    return text.translate(_ESCAPES)


def _param(text: str) -> str:
    """A parameter value (CN=...): quoted, with the characters a quoted value cannot hold removed."""
    return '"' + text.replace('"', "'").replace("\n", " ").replace("\r", "") + '"'


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:  # inside a multi-byte character
            end -= 1
        parts.append(encoded[start:end].decode())
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts)


def checkin_invite(
    *, uid: str, sequence: int, day: date, summary: str, description: str, organizer: tuple, attendees: list
) -> str:
    """An all-day event on `day`; organizer and attendees are (name, e-mail) pairs.

    SEQUENCE should grow when the event changes (the check-in's version), so a calendar updates the
    event it has instead of adding a second one with the same UID.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//SkillBridge//Check-ins//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{escape(uid)}",
        f"SEQUENCE:{int(sequence)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape(summary)}",
        f"DESCRIPTION:{escape(description)}",
        f"ORGANIZER;CN={_param(organizer[0])}:mailto:{organizer[1]}",
        *(f"ATTENDEE;CN={_param(name)};ROLE=REQ-PARTICIPANT:mailto:{email}" for name, email in attendees),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
