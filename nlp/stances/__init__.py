"""Stances on AI open-sourcing: passages, the seeded taxonomy, clusters and their calibration."""
