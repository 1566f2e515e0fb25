"""The domain core: questionnaires, scoring, evidence; pure rules with no I/O beyond reading files."""
