"""Files uploaded to be read (a county's data file, class lists, intakes, school places, catchments):
refused at the form when larger than the reader accepts, and saved to disk in chunks, never whole in
memory. The readers in `junheng.io` check everything else (rows, columns, cells) before reading."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from junheng.io.oversize import bytes_message


class DataFileField(forms.FileField):
    """A file field refusing a file larger than `max_bytes` with the reader's own message."""

    def __init__(self, *, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def clean(self, data: Any, initial: Any = None) -> Any:
        """The upload, or a ValidationError saying how large it is and how large it may be."""
        upload = super().clean(data, initial)
        size = getattr(upload, "size", None)
        if size is not None and size > self.max_bytes:
            raise forms.ValidationError(f"“{upload.name}”{bytes_message(size, self.max_bytes)}")
        return upload


def saved(upload: UploadedFile[bytes], folder: Path, stem: str) -> Path:
    """The upload written into `folder` chunk by chunk, named `stem` and the upload's suffix in lower
    case (the suffix tells the reader the format)."""
    path = folder / f"{stem}{PurePath(upload.name or '').suffix.lower()}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path
