"""What changed between two editions of the data: read both, compare by key, format."""
