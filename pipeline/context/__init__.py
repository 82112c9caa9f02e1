"""Context: typed tables into the frozen contexts of the briefing and the handout."""
