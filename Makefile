.PHONY: demo test bench lint screenshots

demo:
	python3 -m venv .venv && .venv/bin/pip install --quiet . && .venv/bin/junheng demo

test:
	bash scripts/test.sh

bench:
	.venv/bin/python benchmarks/run.py && .venv/bin/python benchmarks/plan.py && .venv/bin/python benchmarks/web_load.py

lint:
	.venv/bin/ruff check src tests benchmarks scripts && .venv/bin/ruff format --check src tests benchmarks scripts && .venv/bin/mypy

screenshots:
	.venv/bin/python scripts/screenshots.py --out screenshots
