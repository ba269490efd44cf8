"""exercise simulate: thousands of computer-only games, and what they say about a scenario."""
