import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from people.models import HR_GROUP, LD_GROUP, Department, Person

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.SelfAttribute("email")
    password = factory.django.Password(PASSWORD)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    full_name = factory.Faker("name")
    job_title = "Engineer"
    department = factory.SubFactory(DepartmentFactory, name="Engineering")
    manager = None


def add_to_group(user, name):
    group, _ = Group.objects.get_or_create(name=name)
    user.groups.add(group)
    return user


def hr_user(**kwargs):
    return add_to_group(PersonFactory(job_title="HR Partner", **kwargs).user, HR_GROUP)


def ld_user(**kwargs):
    return add_to_group(PersonFactory(job_title="L&D Specialist", **kwargs).user, LD_GROUP)
