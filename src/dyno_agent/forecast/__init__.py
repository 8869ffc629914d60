"""The lab's forecast workbook: its columns, the import, and the export in the same shape."""
