from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

from .services import check_upload


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label="Org chart CSV file",
        help_text="UTF-8 CSV with a header row. Up to 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Upload and import"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(file_name=upload.name, size=upload.size, max_bytes=settings.ORG_IMPORT_MAX_BYTES)
        return upload
