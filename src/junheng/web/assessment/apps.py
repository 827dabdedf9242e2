from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "junheng.web.assessment"
    label = "assessment"
    verbose_name = "督导评估（四个维度与一票否决）"
