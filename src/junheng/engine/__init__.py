"""Pure computation: indicator values, splitting, difference coefficients, rules, verdicts.

Nothing here reads files, touches a database or imports a web framework (tests/test_boundaries.py).
"""

from junheng.engine.evaluation import Evaluation, evaluate

__all__ = ["Evaluation", "evaluate"]
