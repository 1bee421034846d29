"""Command-line commands, demo data and backups."""
