"""Business rules as plain functions: money allocation, balances, schedules."""
