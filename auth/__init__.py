"""Authentication (a bearer token -> a ``Principal``) and authorization policies.

- ``auth.oidc``: ``OIDCVerifier``, bearer-token verification (joserfc).
- ``auth.jwks``: ``IssuerKeys``, discovery + the JWKS cache and its refresh rules.
- ``auth.authenticate``: ``Authenticator``, the ``Authorization`` header -> principal.
- ``auth.principal``: ``Principal``, ``PrincipalKind``.
- ``auth.errors``: ``AuthenticationError``, ``IssuerUnavailableError``,
  ``www_authenticate``.
- ``auth.dev_issuer``: ``DevIssuer``, ``ensure_persona_links``; and
  ``auth.dev_issuer_routes``: ``dev_issuer_routes``. Demo mode only.
"""
