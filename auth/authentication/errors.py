"""Authentication failures and the RFC 6750 ``WWW-Authenticate`` header for them."""

from __future__ import annotations

INVALID_REQUEST = "invalid_request"
INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a secret)
TEMPORARILY_UNAVAILABLE = "temporarily_unavailable"

# RFC 6750 section 3.1: the codes a bearer challenge may carry, and their statuses.
_STATUS = {INVALID_REQUEST: 400, INVALID_TOKEN: 401, "insufficient_scope": 403}


class AuthenticationError(Exception):
    """The request's credentials were refused.

    ``error`` is an RFC 6750 code (``invalid_request`` for a malformed
    ``Authorization`` header, ``invalid_token`` for anything wrong with the token);
    ``description`` is short and safe to send to the client: it never holds key
    material, token contents or internal details.
    """

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description

    @property
    def status_code(self) -> int:
        """The HTTP status to answer with (RFC 6750 section 3.1)."""
        return _STATUS.get(self.error, 401)


class IssuerUnavailableError(AuthenticationError):
    """The issuer's discovery document or keys could not be obtained, so no token
    can be judged right now: answer 503, not 401. Details go to the log only."""

    def __init__(
        self, description: str = "the identity provider is unavailable"
    ) -> None:
        super().__init__(TEMPORARILY_UNAVAILABLE, description)

    @property
    def status_code(self) -> int:
        """Always 503: the fault is ours or the issuer's, not the client's."""
        return 503


def invalid_request(description: str) -> AuthenticationError:
    """A malformed ``Authorization`` header."""
    return AuthenticationError(INVALID_REQUEST, description)


def invalid_token(description: str) -> AuthenticationError:
    """A token that is malformed, expired, revoked or not for us."""
    return AuthenticationError(INVALID_TOKEN, description)


def www_authenticate(
    error: AuthenticationError | None, realm: str = "case-gateway"
) -> str:
    """The ``WWW-Authenticate`` value for a refused (or absent) bearer credential.

    With no error (no credentials were sent) the challenge carries only the realm,
    as RFC 6750 section 3.1 asks; error codes outside RFC 6750 (such as
    ``temporarily_unavailable``) are left out too.
    """
    parts = [f'realm="{_quoted(realm)}"']
    if error is not None and error.error in _STATUS:
        parts.append(f'error="{error.error}"')
        if error.description:
            parts.append(f'error_description="{_quoted(error.description)}"')
    return "Bearer " + ", ".join(parts)


def _quoted(value: str) -> str:
    # RFC 6750 limits these values to %x20-21 / %x23-5B / %x5D-7E: printable ASCII
    # without '"' or '\'. Anything else is replaced rather than escaped.
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in value)
