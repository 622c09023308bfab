"""Stage 2 — rules: score a validated period (points, totals, grades, ranks, history rules, pay).

Pure functions over the model, no I/O.  Every rule is a formula in the
language of :mod:`reporter.formula`, so the same definition yields the Python
value and the Excel formula the writers put in the workbooks.
"""
