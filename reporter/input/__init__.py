"""Stage 1 — input: read HR's workbook safely and validate it into an :class:`~reporter.model.AppraisalInput`.

``guard`` opens the file defensively, ``schema`` describes every sheet and
column, ``cells`` parses one cell, ``reader`` reads sheets into typed rows,
``validate`` checks them across sheets with ``plans`` and ``period_data`` (the
period's figures), and ``template`` writes the blank workbook of ``reporter init``.
"""
