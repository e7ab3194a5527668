"""Tools around the documents: redline, PDF export, template lint, parameter reference, text dump."""
