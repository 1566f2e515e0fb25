"""A check's report: build it from the store, render it (Rich, Markdown, JSON), write it to files."""
