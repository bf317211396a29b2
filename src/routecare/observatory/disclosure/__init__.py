"""Disclosure control: what a released table may show. Small cells are suppressed with
complementary cells chosen and audited by linear programming (`suppression.py`), or counts are
released with calibrated noise (`noise.py`)."""
