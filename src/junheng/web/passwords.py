"""The password rules' one message Django has no Chinese for (its minimum-length wording changed in Django 5)."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator


class ChineseMinimumLengthValidator(MinimumLengthValidator):
    """Django's minimum length, said in Chinese."""

    def get_error_message(self) -> str:
        return f"密码太短：至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
