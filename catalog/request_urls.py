"""Manager -> L&D requests: included by catalog/urls.py."""

urlpatterns = []
