"""Build: the build command and what only it uses (keys, workers, progress, watch, clean, dist)."""
