"""Authentication (a bearer token -> a ``Principal``) and authorization policies.

- ``auth.oidc``: ``OIDCVerifier``, bearer-token verification (joserfc).
- ``auth.jwks``: ``IssuerKeys``, discovery + the JWKS cache and its refresh rules.
- ``auth.authenticate``: ``Authenticator``, the ``Authorization`` header -> principal.
- ``auth.principal``: ``Principal``, ``PrincipalKind``.
- ``auth.errors``: ``AuthenticationError``, ``IssuerUnavailableError``,
  ``www_authenticate``.
"""
