"""Pure parsers: bytes/str/models in, models out. Only pdf_text.py and ocr.py touch pdfplumber/tesseract."""
