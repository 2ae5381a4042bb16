"""seamix engine: curation stages and the datamix, usable without Dagster."""
