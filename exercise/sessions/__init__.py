"""Session logs: write one as an exercise happens; read, resume and replay it."""
