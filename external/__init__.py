"""Each external program in one module, like OCRmyPDF's _exec/.

A module here runs one program (LibreOffice, tesseract, pdftoppm …) as a subprocess: it finds the binary,
builds its command line, applies its time limit and turns its failures into ``models.errors``. Nothing else
in theodoi starts a process of its own, so what the machine needs installed is the list of these modules,
and the parsers stay pure (bytes in, models out). Modules here import ``models`` only.
"""
