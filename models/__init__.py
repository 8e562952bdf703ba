"""The leaf package: data models, errors, the registry and the diff. Imports neither parsers nor ingest."""
