"""The report's A4 page as report.css sets it (@page margins 16 14 20 14 mm): the sizes that the
Python side of the layout, the pictures' slots and the logs' columns, must agree with."""

CONTENT_W, CONTENT_H = 182.0, 261.0  # mm: A4 less the @page margins
PT_PER_MM = 72 / 25.4
PT_PER_PX = 0.75  # a CSS pixel, which WeasyPrint's page coordinates are in, is 3/4 of a PDF point
