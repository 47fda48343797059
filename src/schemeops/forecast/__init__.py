"""Pre-launch forecast: a program (typically a draft) replayed on comparable history."""
