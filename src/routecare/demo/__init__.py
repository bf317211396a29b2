"""A fictional but realistic route (Niger → Libya → Tunisia → Italy/Malta) to show and test."""
