"""Spiders: they only yield requests and items; pipelines persist."""
