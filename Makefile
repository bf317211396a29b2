# The two commands of the README's quick start. Each installs what it needs first:
# uv (from PyPI) and the project's locked dependencies; `test` also the system packages
# (PostgreSQL server, Chromium) from Debian.
UV := scripts/uv

.PHONY: demo test

demo:
	$(UV) run --frozen routecare demo $(ARGS)

test:
	bash scripts/install-system-packages
	$(UV) run --frozen pytest $(ARGS)
