"""Operations on a whole centre's data: backup, restore, verify and moving to another database.

Nothing here reads a request; the `flask` commands in app/cli_operations.py call it.
"""
