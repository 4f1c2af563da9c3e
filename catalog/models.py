from django.core.validators import MinValueValidator
from django.db import models


class Course(models.Model):
    """One entry of the learning catalog that L&D curates."""

    class Format(models.TextChoices):
        VIDEO = "video", "Video"
        MICROLEARNING = "microlearning", "Microlearning"
        ELEARNING = "elearning", "E-learning"
        WORKSHOP = "workshop", "Workshop"
        LUNCH_AND_LEARN = "lunch_and_learn", "Lunch-and-learn"
        INSTRUCTOR_LED = "instructor_led", "Instructor-led"
        COACHING = "coaching", "Coaching"
        MENTORING = "mentoring", "Mentoring"
        READING = "reading", "Reading"

    code = models.SlugField(max_length=40, unique=True, help_text="A short stable code, used by imports.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    provider = models.CharField(max_length=120, blank=True)
    format = models.CharField(max_length=20, choices=Format.choices)
    duration_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    cost = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="GBP")
    language = models.CharField(max_length=12, default="en")
    url = models.URLField(blank=True)
    is_self_paced = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def duration_display(self):
        hours, minutes = divmod(self.duration_minutes, 60)
        if not hours:
            return f"{minutes} min"
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
