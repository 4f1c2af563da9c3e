from django.core.management.base import BaseCommand, CommandError

from skillbridge import demo_data
from skillbridge.demo import DemoDataError, seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo story: a company of 40 people (Kate, Brian, Greg, Lisa in L&D, Hannah in HR), "
        "a soft-skills course catalog and the demo logins. Safe to run again: it changes nothing the second time."
    )

    def handle(self, *args, **options):
        try:
            result = seed_demo(password=demo_data.DEMO_PASSWORD)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        people = result.people
        self.stdout.write(f"People: {people.created} created, {people.updated} updated, {people.unchanged} unchanged.")
        self.stdout.write("Courses: {} created, {} updated, {} unchanged.".format(*result.courses))
        self.stdout.write(
            f"Logins: {result.passwords_set} password(s) set, {result.memberships_added} group membership(s) added, "
            f"admin {'created' if result.admin_created else 'already there'}, {result.roles_set} role profile(s) set, "
            f"{result.course_skills_set} course-skill link(s) set."
        )
        self.stdout.write(f"Past assessments: {result.assessments_added} added.")
        self.stdout.write(f"Development plans: {result.plans_added} added.")
        self._write_logins()

    def _write_logins(self):
        name_of = {row[2]: row[1] for row in demo_data.PEOPLE}
        rows = [("Role", "Name", "E-mail", "Password")]
        rows += [(role, name_of[email], email, demo_data.DEMO_PASSWORD) for role, email, _ in demo_data.LOGINS]
        rows.append(("Admin (Django admin)", "", demo_data.ADMIN_EMAIL, demo_data.DEMO_PASSWORD))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        for role, name, email, password in rows:
            role, name, email = (cell.ljust(width) for cell, width in zip((role, name, email), widths, strict=True))
            self.stdout.write(f"  {role}  {name}  {email}  {password}")
