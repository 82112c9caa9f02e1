"""The organisation publishing the documents: its brand file, checked, and its overrides."""
