"""Messaging: notifications in the recipient's language, their delivery by mail and SMS.
"""
