"""PDF: the only package that knows WeasyPrint and PDFium (pypdfium2)."""
