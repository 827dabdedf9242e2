"""The places uploads: a CSV/Excel table of one kind, or the catchments' GeoJSON."""

from __future__ import annotations

from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(label="文件（CSV 或 Excel）")


class CatchmentsForm(forms.Form):
    file = forms.FileField(
        label="学区边界（GeoJSON）", help_text="FeatureCollection；每个要素的 properties 含 name 与 level（小学/初中）"
    )
