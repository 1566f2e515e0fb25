"""Printable paper forms: a facilitator's cover sheet and one numbered form per respondent (PDF).

`printing.print_paper` numbers a print run through the store and writes the PDF; `sheet` knows the
page sizes, fonts and how wide a text is; `layout` places a questionnaire's items on pages (never
an item apart from its boxes); `draw` puts the cover sheet, the forms and their QR codes on paper.
fpdf2 and segno come with the optional extra ``paper``.
"""
