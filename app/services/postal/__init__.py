"""Postal service: citizens' postal requests and changes, the postal desk's batches and waybills.
"""
