"""Form widgets rendered with Jinja2: Django's own widget templates in their Jinja2 form.

Django ships every widget template twice, for its template language (django/forms/templates) and for
Jinja2 (django/forms/jinja2), with the same markup. A manager's plan page renders about a hundred widgets
(a select is a template per option), and the Jinja2 ones cost a fraction: the page goes from 31 to
about 26 ms. Pages are still Django templates; only the widgets inside them change engine. Templates
that only exist for Django's engine (the admin's own widgets) are taken from it.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class JinjaWidgets(Jinja2):
    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

    @cached_property
    def _django(self):
        return DjangoTemplates().engine
