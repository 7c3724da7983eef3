"""Authentication: a bearer token -> a frozen ``Principal``.

- ``oidc``: ``OIDCVerifier``, bearer-token verification (joserfc).
- ``jwks``: ``IssuerKeys``, discovery + the JWKS cache and its refresh rules.
- ``authenticate``: ``Authenticator``, the ``Authorization`` header -> principal.
- ``errors``: ``AuthenticationError``, ``IssuerUnavailableError``,
  ``www_authenticate``.
"""
