"""The platform's service exceptions, one of each kind for every app; nothing is stored when one is raised.

Services raise these besides Django's own `PermissionDenied` (a step the role does not allow) and
`Http404` (an object that does not exist or lies outside the user's organisations). The message is for
the user, in Chinese. A page shows it where the user acted (a form's errors, or a message on the page it
returns to); the API answers each with one status (api/errors.py): 409 for `WorkflowError`, 422 for
`InvalidData`, 403 and 404 for Django's two.
"""

from __future__ import annotations

from collections.abc import Sequence

from junheng.io.errors import DataIssue, bounded


class InvalidData(Exception):
    """Figures that fail the importer's checks, with the importer's own issues (file, row, column, why)."""

    def __init__(self, issues: Sequence[DataIssue]) -> None:
        # As many as a person can read: the first MAX_ISSUES, then how many more.
        self.issues = bounded(issues)
        super().__init__("\n".join(issue.format() for issue in self.issues))


class WorkflowError(Exception):
    """A step the state of what it acts on does not allow: editing a locked record or an open survey's
    questions, closing a class that is still too large, deleting a list entry still in use."""
