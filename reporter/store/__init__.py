"""Stage 3 — store: what survives a run: the history database and atomically written output folders."""
