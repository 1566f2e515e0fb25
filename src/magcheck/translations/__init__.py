"""Translations by translators: questionnaires and the UI catalogue out to gettext .po files and back.

Babel is imported only by `pofiles`, and only when a po command runs (extra `i18n`).
"""
