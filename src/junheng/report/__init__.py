"""The self-evaluation report (自评报告): one content structure, rendered as Word, PDF and an Excel annex."""
