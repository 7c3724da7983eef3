"""Who the caller is and what it may see: the entry for both halves.

- ``auth.authentication``: a bearer token -> a frozen ``Principal``
  (``auth.principal``).
- ``auth.authorization``: what a principal may read and do, decided per object.
"""
