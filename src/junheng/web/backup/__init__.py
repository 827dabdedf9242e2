"""Backup and restore of a junheng installation: the database and the uploaded evidence files in one archive.

`manifest` describes an archive, `archive` writes and verifies one, `databases` dumps and loads SQLite and
PostgreSQL, `service` does the two things an operator does (`junheng backup`, `junheng restore`).
"""
