"""Extractors: pages to raw tasks (task tables, prose directives) and the document's metadata."""
