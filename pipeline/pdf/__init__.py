"""PDF: the only package that knows WeasyPrint and PyMuPDF."""
