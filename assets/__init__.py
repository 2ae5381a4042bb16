"""Dagster definitions for seamix: thin orchestration over the ``pipelines`` engine."""
