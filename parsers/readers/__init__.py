"""Readers: a file's bytes to pages of words, lines and tables (text layer, OCR, Word, legacy fonts)."""
