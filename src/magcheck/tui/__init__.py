"""The Textual app: run a group session from first question to report (imports Textual)."""
