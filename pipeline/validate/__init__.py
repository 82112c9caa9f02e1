"""Validate: RawTables and the schema into typed tables and a Report."""
