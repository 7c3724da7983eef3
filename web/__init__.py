"""The HTTP side of the gateway: the GraphQL view, refusals, health checks.

- ``web.view``: ``GraphQLApp``, the ``/graphql`` view (body checks, then
  authentication, then Strawberry).
- ``web.responses``: ``error_response``, an HTTP refusal in the GraphQL format.
- ``web.health``: ``healthz`` and ``readyz``.
"""
