"""Hosting an exercise for a class: join codes, and (to come) the seats' connections."""
