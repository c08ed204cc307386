"""The server-rendered portal: templates, translations and static files."""
