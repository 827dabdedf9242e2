"""The places uploads: a CSV/Excel table of one kind, or the catchments' GeoJSON."""

from __future__ import annotations

from django import forms

from junheng.io.limits import GEOJSON_BYTES, LABELLED_TABLE
from junheng.web.datafiles import DataFileField


class UploadForm(forms.Form):
    file = DataFileField(label="文件（CSV 或 Excel）", max_bytes=LABELLED_TABLE.bytes)


class CatchmentsForm(forms.Form):
    file = DataFileField(
        label="学区边界（GeoJSON）",
        help_text="FeatureCollection；每个要素的 properties 含 name 与 level（小学/初中）",
        max_bytes=GEOJSON_BYTES,
    )
