"""The observatory: a de-identified fact store of the route, flow-monitoring counts and the
aggregates analysts may publish (always through `disclosure.suppression.protect_counts`)."""
