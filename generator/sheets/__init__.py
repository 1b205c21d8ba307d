"""Spreadsheets both ways: a plan year exported as a workbook (`export`) and an edited
workbook read back into the YAML (`import_`), the YAML edited in place (`yamledit`)."""
