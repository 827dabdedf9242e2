"""Reading and writing files: the school data file (contracts.md §1) and Excel reports."""
