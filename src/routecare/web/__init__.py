"""Server-rendered pages (Jinja2), in English, French and Arabic."""
