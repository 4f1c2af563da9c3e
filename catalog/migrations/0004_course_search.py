"""The catalog search (catalog/course_search.py): a search vector per course, kept by a trigger, and its indexes.

On PostgreSQL:
- pg_trgm, for mistyped words (a trusted extension since PostgreSQL 13, so the database's owner may create
  it; nothing happens if it is there already, and migrating back leaves it);
- Course.search_vector, written by a BEFORE INSERT OR UPDATE trigger (django-pgtrigger), and filled in
  for the courses already there;
- a GIN index on search_vector, and a trigram GIN index on the title.

SQLite searches without any of these: the field is created (and stays empty), the rest does nothing there.
The two indexes stay out of the models' state: declared in Course.Meta, every later migration that rebuilds
the table on SQLite would try to create GIN indexes there.
"""

import django.contrib.postgres.search
import pgtrigger.compiler
import pgtrigger.migrations
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """AddIndex on PostgreSQL only, leaving the model's state as it is."""

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{super().describe()} (PostgreSQL only)"


class AddTrigramExtension(TrigramExtension):
    """pg_trgm on PostgreSQL; going back leaves it installed (something else may use it), and SQLite is left alone
    both ways (Django's own CreateExtension looks for pg_extension on the way back, whatever the database)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


def fill_search_vectors(apps, schema_editor):
    """Rewrite each course's title as it is, so the trigger writes its search vector."""
    if schema_editor.connection.vendor == "postgresql":
        Course = apps.get_model("catalog", "Course")
        Course.objects.update(title=models.F("title"))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_imports_and_requests"),
    ]

    operations = [
        AddTrigramExtension(),
        migrations.AddField(
            model_name="course",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="course",
            trigger=pgtrigger.compiler.Trigger(
                name="course_search_vector",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\nNEW.search_vector :=\n    setweight(to_tsvector('english', COALESCE(NEW.title, '')), 'A')\n    || setweight(to_tsvector('english', COALESCE(NEW.description, '')), 'B')\n    || setweight(to_tsvector('english', COALESCE(NEW.provider, '')), 'C');\nRETURN NEW;\n",
                    hash="1ae733223ca914f2a7bca89c8713c1bbd6045493",
                    operation='INSERT OR UPDATE OF "title", "description", "provider"',
                    pgid="pgtrigger_course_search_vector_66825",
                    table="catalog_course",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunPython(fill_search_vectors, migrations.RunPython.noop, elidable=True),
        AddIndexOnPostgreSQL("course", GinIndex(fields=["search_vector"], name="course_search_vector")),
        AddIndexOnPostgreSQL(
            "course", GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="course_title_trigram")
        ),
    ]
