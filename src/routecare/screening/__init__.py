"""Identify: indicator-based screening at first contact that applies the legal definitions.

The indicator catalogue and the decision table are versioned data (YAML); `engine` turns a
screening's answers into an outcome with reasons and next steps, with no side effects.
"""
