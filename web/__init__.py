"""The HTTP side of the gateway: the GraphQL endpoint, refusals, health checks.

- ``web.view``: ``GraphQLEndpoint``, ``/graphql`` (limits, then execution).
- ``web.protocol``: GraphQL over HTTP: media types, parameters, status codes.
- ``web.responses``: GraphQL-format responses and HTTP refusals.
- ``web.health``: ``healthz`` and ``readyz``.
"""
