run:
	bash scripts/run

test:
	bash scripts/test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

bench:
	.venv/bin/python bench/import_org.py

.PHONY: run test lint bench
