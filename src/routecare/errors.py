"""Domain errors that every edge (web, API, CLI) turns into a clear refusal.

Messages never carry personal data: they name fields, ids and rules, not values about a child.
"""


class RoutecareError(Exception):
    """Base of the refusals an edge shows to its user."""

    status_code = 400


class NotFound(RoutecareError):
    """Missing, or not visible to this user (the two are deliberately indistinguishable)."""

    status_code = 404


class Forbidden(RoutecareError):
    """The user's role may not do this at all."""

    status_code = 403


class Conflict(RoutecareError):
    status_code = 409


class InvalidInput(RoutecareError):
    status_code = 422


class TooManyAttempts(RoutecareError):
    status_code = 429

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class NotAuthenticated(RoutecareError):
    status_code = 401


class SecondFactorNeeded(NotAuthenticated):
    """The password was right but the session still owes its one-time code or enrolment;
    pages send the browser to `next_page`, the API answers 401."""

    def __init__(self, message: str, next_page: str) -> None:
        super().__init__(message)
        self.next_page = next_page


class PreconditionFailed(RoutecareError):
    """The record changed since the client read it (stale If-Match): re-read and merge."""

    status_code = 412


class PreconditionRequired(RoutecareError):
    """An update came without If-Match, so it could silently overwrite someone's change."""

    status_code = 428
