"""Excel outputs: the employee scorecard and the HR summary workbook, with live formulas."""
