"""Plan templates, under /plan-templates/ in the devplans namespace (devplans:template_list, ...)."""

from django.urls import path

from . import template_views as views

urlpatterns = [
    path("", views.template_list, name="template_list"),
    path("new/", views.template_edit, name="template_add"),
    path("<int:pk>/", views.template_detail, name="template_detail"),
    path("<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("<int:pk>/duplicate/", views.template_duplicate, name="template_duplicate"),
    path("<int:pk>/offered/", views.template_set_active, name="template_set_active"),
    path("<int:pk>/apply/", views.template_apply, name="template_apply"),
]

for kind, plural in (("goal", "goals"), ("course", "courses"), ("practice", "practice")):
    urlpatterns += [
        path(f"<int:pk>/{plural}/new/", views.part_edit, {"kind": kind}, name=f"template_{kind}_add"),
        path(f"<int:pk>/{plural}/<int:item_pk>/", views.part_edit, {"kind": kind}, name=f"template_{kind}_edit"),
        path(
            f"<int:pk>/{plural}/<int:item_pk>/remove/",
            views.part_remove,
            {"kind": kind},
            name=f"template_{kind}_remove",
        ),
    ]
