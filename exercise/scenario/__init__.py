"""Scenario files: safe YAML reading, the frozen model, validation and the JSON Schema."""
