"""Releases of observatory tables: what leaves (`tables.py`), the file it leaves as
(`output.py`), and the ledger that records each one and spends privacy budget (`models.py`,
`actions.py`)."""
