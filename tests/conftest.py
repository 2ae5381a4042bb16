"""Shared test setup: this folder is on sys.path, so the helpers beside it (cc_fixtures, moto_s3,
scaleout_inputs) import by name from every tests/<area>/ folder."""
