"""Accounts: citizens' and staff accounts, server-side sessions, passwords and resets,
organisations and their memberships, staff administration.
"""
