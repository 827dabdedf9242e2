"""The survey's forms: starting a survey, editing a questionnaire, issuing links, and the respondent's answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from junheng.web.survey.models import Group, Question
from junheng.web.survey.services import MAX_LINKS_PER_ISSUE


class SurveyForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=1990, max_value=2100)
    title = forms.CharField(label="标题", max_length=200)
    resident_population = forms.IntegerField(
        label="常住人口（人）", min_value=1, help_text="按 1.5‰ 计算样本量，不少于 600 份（以评估标准为准）"
    )


class QuestionsForm(forms.Form):
    questions = forms.CharField(
        label="题目（每行一题）", widget=forms.Textarea(attrs={"rows": 8}), help_text="每道题均按标准的五个选项作答"
    )

    def texts(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]


class IssueForm(forms.Form):
    group = forms.ChoiceField(label="调查对象", choices=Group.choices)
    count = forms.IntegerField(label="份数", min_value=1, max_value=MAX_LINKS_PER_ISSUE)


class AnswerForm(forms.Form):
    """One required radio choice per question, the options being the standard's scale."""

    def __init__(self, *args: Any, questions: Sequence[Question], options: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = tuple(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=f"{question.position}. {question.text}",
                choices=[(option, option) for option in options],
                widget=forms.RadioSelect,
                error_messages={"required": "请选择一个选项", "invalid_choice": "请选择一个选项"},
            )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}
