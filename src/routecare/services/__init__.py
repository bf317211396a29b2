"""The services directory: what help exists, where, for whom, and how many beds are free now."""
