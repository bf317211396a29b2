"""Disclosure control: nothing an aggregate releases may let a reader compute a small count."""
