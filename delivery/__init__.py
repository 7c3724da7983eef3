"""Notifications: the transactional outbox, its worker and the channels."""
