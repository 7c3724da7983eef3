"""How many items each unpaginated list field is expected to hold, for the
cost estimate (``documents.cost``): a caseload's real shape, rounded up.
Paginated fields need no entry (their ``first`` is their size); a test keeps
this table complete, so a new list field cannot go uncosted."""

from __future__ import annotations

from collections.abc import Mapping

LIST_SIZES: Mapping[tuple[str, str], int] = {
    ("Case", "participants"): 4,
    ("Case", "children"): 4,
    ("Case", "orders"): 4,
    ("Case", "hearings"): 10,
    ("Case", "activities"): 25,
    ("Case", "documents"): 10,
    ("Case", "messageThreads"): 10,
    ("Order", "obligations"): 4,
    ("Payment", "allocations"): 5,
    ("Payment", "disbursements"): 3,
    ("Party", "employments"): 3,
    ("Party", "employerReports"): 5,
    ("InsurancePolicy", "coveredChildren"): 4,
    ("MessageThread", "messages"): 25,
    ("Viewer", "employments"): 3,
    ("Viewer", "employerReports"): 5,
    ("Viewer", "healthInsurance"): 3,
    ("Viewer", "notificationPreferences"): 12,
    ("Viewer", "messageThreads"): 10,
    ("Query", "glossary"): 50,
    ("Query", "faq"): 50,
    ("MarkMessagesReadPayload", "messages"): 50,
    ("MarkMessagesReadPayload", "threads"): 10,
    ("UpdateNotificationPreferencesPayload", "preferences"): 12,
    ("AuditEvent", "fields"): 10,
}
