"""junheng: monitoring, evaluating and planning the quality-balanced development of compulsory education."""

__version__ = "0.1.0"
