"""Load: CSV bytes into RawTables, every cell kept, with physical line numbers."""
