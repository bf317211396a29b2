# The two commands of the README's quick start. Each installs what it needs first:
# uv (from PyPI) and the project's locked dependencies, and Debian's Pango and fonts for the PDF
# case summary; `test` also the `spark` extra (so the
# Spark engine's tests run) and the system packages (PostgreSQL server, Chromium, Java) from Debian.
# Tests run on every core (pytest-xdist); each worker starts its own PostgreSQL.
UV := scripts/uv

.PHONY: demo test

demo:
	bash scripts/install-system-packages demo
	$(UV) run --frozen routecare demo $(ARGS)

test:
	bash scripts/install-system-packages
	$(UV) run --frozen --extra spark pytest -n auto --dist worksteal --durations=25 $(ARGS)
