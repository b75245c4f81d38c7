"""Dossiers: intake and submissions, official codes, procedure fields, tracking, declarations,
supplements, ratings and apologies — everything a dossier is from filing to its result.
"""
