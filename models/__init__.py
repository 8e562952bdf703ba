"""The leaf package: data only (documents, pages, tasks, settings, errors, the diff). Imports nothing of ours."""
