"""External programs, each in one module of its own (as OCRmyPDF keeps its _exec/): the only code that starts a subprocess."""
