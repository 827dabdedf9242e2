"""The social-recognition survey (standard.md §7): a county's survey of a year, a questionnaire per
respondent group, one-time invitation links, and the anonymous responses.

A response keeps its group and nothing else about the person; it is not linked to the invitation
that admitted it, so a printed list of who received which link cannot be joined to the answers.
"""

from __future__ import annotations

from django.db import models

from junheng.web.orgs.models import Organisation


class Group(models.TextChoices):
    """The respondent groups of standard.md §7, parents first (they make at least half the sample)."""

    PARENTS = "parents", "家长"
    STUDENTS = "students", "学生"
    TEACHERS = "teachers", "教师"
    PRINCIPALS = "principals", "校长"
    DEPUTIES = "deputies", "人大代表"
    CPPCC = "cppcc", "政协委员"
    RESIDENTS = "residents", "社区居民"


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿（可编辑问卷）"
        OPEN = "open", "进行中"
        CLOSED = "closed", "已结束"

    county = models.ForeignKey(Organisation, verbose_name="县（区）", on_delete=models.PROTECT, related_name="surveys")
    year = models.PositiveIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    resident_population = models.PositiveIntegerField("常住人口")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "社会认可度调查"
        verbose_name_plural = "社会认可度调查"
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_survey_per_county_year")]
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class Questionnaire(models.Model):
    """The questions one respondent group is asked."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questionnaires")
    group = models.CharField("调查对象", max_length=16, choices=Group.choices)

    class Meta:
        verbose_name = "问卷"
        verbose_name_plural = "问卷"
        constraints = [models.UniqueConstraint(fields=["survey", "group"], name="one_questionnaire_per_group")]

    def __str__(self) -> str:
        return f"{self.survey} · {self.get_group_display()}"


class Question(models.Model):
    """One five-option item; the options are the standard's, not stored per question."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("题号")
    text = models.CharField("题目", max_length=300)

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题目"
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "position"], name="one_question_per_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class Invitation(models.Model):
    """A one-time link for one respondent of a group. Only the token's SHA-256 is kept."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    group = models.CharField("调查对象", max_length=16, choices=Group.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "调查链接"
        verbose_name_plural = "调查链接"
        indexes = [models.Index(fields=["survey", "group"])]


class Response(models.Model):
    """One submitted questionnaire: its group and when, nothing about the respondent."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    group = models.CharField("调查对象", max_length=16, choices=Group.choices)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        indexes = [models.Index(fields=["survey", "group"])]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.CharField("选项", max_length=32)

    class Meta:
        verbose_name = "答案"
        verbose_name_plural = "答案"
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]
