"""Writers turn a PeriodResult into files; they never read the input workbook."""
