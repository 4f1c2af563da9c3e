"""Loads the default quick-reference rubric (version 1) and the role profiles.

The content lives in assessments/rubric_data.py. Nothing is loaded when a
rubric already exists, so the migration never overwrites L&D's work.
"""

from django.db import migrations
from django.utils import timezone


def load_default_rubric(apps, schema_editor):
    from assessments.rubric_data import ROLE_PROFILES, SKILLS

    RubricVersion = apps.get_model("assessments", "RubricVersion")
    Skill = apps.get_model("assessments", "Skill")
    Behaviour = apps.get_model("assessments", "Behaviour")
    RoleProfile = apps.get_model("assessments", "RoleProfile")
    TargetLevel = apps.get_model("assessments", "TargetLevel")

    if not RubricVersion.objects.exists():
        version = RubricVersion.objects.create(
            number=1,
            status="published",
            published_at=timezone.now(),
            notes="The default soft-skills quick-reference rubric.",
        )
        for order, data in enumerate(SKILLS, start=1):
            not_yet, developing, proficient, role_model = data["levels"]
            skill = Skill.objects.create(
                rubric_version=version,
                key=data["key"],
                name=data["name"],
                category=data["category"],
                description=data["description"],
                level_not_yet=not_yet,
                level_developing=developing,
                level_proficient=proficient,
                level_role_model=role_model,
                next_steps=data["next_steps"],
                order=order,
            )
            Behaviour.objects.bulk_create(
                Behaviour(skill=skill, kind=kind, text=text, order=position)
                for position, (kind, text) in enumerate(data["behaviours"], start=1)
            )

    if not RoleProfile.objects.exists():
        profiles = {
            data["key"]: RoleProfile.objects.create(key=data["key"], name=data["name"], description=data["description"])
            for data in ROLE_PROFILES
        }
        for data in ROLE_PROFILES:
            if data["next"]:
                profiles[data["key"]].next_profile = profiles[data["next"]]
                profiles[data["key"]].save(update_fields=["next_profile"])
            TargetLevel.objects.bulk_create(
                TargetLevel(role_profile=profiles[data["key"]], skill_key=key, level=level)
                for key, level in data["targets"].items()
            )


def unload_default_rubric(apps, schema_editor):
    from assessments.rubric_data import ROLE_PROFILES

    apps.get_model("assessments", "RubricVersion").objects.filter(number=1).delete()
    apps.get_model("assessments", "RoleProfile").objects.filter(key__in=[p["key"] for p in ROLE_PROFILES]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load_default_rubric, unload_default_rubric)]
