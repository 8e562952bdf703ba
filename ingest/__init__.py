"""The only package with side effects: files, registry sessions, logging, exit codes."""
