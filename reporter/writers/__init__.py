"""Stage 4 — writers: turn a scored period into files; they never read the input workbook."""
