"""Catalogue: agencies, procedures and their requirements, search over them, the demo seed.
"""
