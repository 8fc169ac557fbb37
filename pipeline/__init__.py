"""The stages composed: crawl, process, cluster, ingest, explain, status."""
