from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render

from .forms import CourseFilterForm
from .selectors import courses_for

PAGE_SIZE = 25


def course_list(request):
    form = CourseFilterForm(request.GET)
    if form.is_valid():
        search, course_format = form.cleaned_data["q"].strip(), form.cleaned_data["format"]
        page_number = form.cleaned_data["page"] or 1
    else:
        messages.warning(request, "That filter was not understood, so the whole catalog is shown.")
        form = CourseFilterForm()
        search, course_format, page_number = "", "", 1
    page = Paginator(courses_for(request.user, search=search, course_format=course_format), PAGE_SIZE).get_page(
        page_number
    )
    query = urlencode({"q": search, "format": course_format}) + "&"
    return render(request, "catalog/course_list.html", {"form": form, "page": page, "search": search, "query": query})
