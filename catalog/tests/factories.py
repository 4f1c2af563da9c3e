import factory

from catalog.models import Course


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    format = Course.Format.VIDEO
    duration_minutes = 30
