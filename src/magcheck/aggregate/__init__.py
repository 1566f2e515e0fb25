"""Evaluator statistics across groups: sources -> scored rows -> statistics -> renderers."""
