"""Authorization: may this principal see this object, this field?

- ``rules``: the declarations, plain data (who reads each type and field, which
  partner scope it needs, which protection redacts it);
- ``access``: how a principal stands to one case (``CaseAccess``), the input
  of every decision;
- ``policy``: the decisions, pure functions of principal, access and row;
- ``filters``: the same rules as SQL predicates, for the statements that find
  entry points (a case by number, any node by id, a page of cases).
"""
