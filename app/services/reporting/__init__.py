"""Reporting: the monthly report, its exports and charts, the staff deadline digest.
"""
