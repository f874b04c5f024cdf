"""Prefect flows that orchestrate the copydesk library."""
