# make demo: set up .venv, build the example articles into a graph, run the example queries,
#            validate the graph, draw it and its timeline, export GraphML (out/).
# make test: set up .venv with the test tools and run the test suite; then the suite again in
#            .venv-plain, made as a user makes one (test-plain).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PLAIN  := .venv-plain
OUT    := out

.PHONY: demo test test-plain clean browser

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/kg

demo: $(BIN)/kg
	mkdir -p $(OUT)
	$(BIN)/kg build examples/articles/*.txt -o $(OUT)/examples.trig
	$(BIN)/kg build examples/articles/*.txt -o $(OUT)/examples.ttl --quiet
	$(BIN)/kg validate $(OUT)/examples.ttl
	@for q in examples/queries/*.rq; do echo; echo "== $$q"; $(BIN)/kg query $(OUT)/examples.trig $$q || exit 1; done
	$(BIN)/kg viz $(OUT)/examples.trig -o $(OUT)/graph.html
	$(BIN)/kg timeline $(OUT)/examples.trig -o $(OUT)/timeline.html
	$(BIN)/kg export $(OUT)/examples.trig --format graphml -o $(OUT)/examples.graphml
	@echo; echo "graph: $(OUT)/examples.trig, $(OUT)/examples.ttl, $(OUT)/examples.graphml; pictures: $(OUT)/graph.html, $(OUT)/timeline.html"

# The browser tests need Debian's chromium and an Arabic font (installed once, as root).
browser:
	command -v chromium >/dev/null && fc-list :lang=ar | grep -q . || (apt-get update && apt-get install -y chromium fonts-noto-core)

test: $(BIN)/kg browser
	$(BIN)/python -m pytest
	$(MAKE) test-plain

# The suite in a fresh venv with the pip that Python ships (not upgraded) and a plain `pip install .`
# (no extras, not editable), then the test tools from pyproject.toml: whatever kg imports must come
# with it. PYTHONSAFEPATH keeps the checkout off sys.path, so the tests (and the `python -m kg` they
# run) use the installed kg.
test-plain: browser
	rm -rf $(PLAIN) build
	$(PYTHON) -m venv $(PLAIN)
	$(PLAIN)/bin/pip install --quiet .
	$(PLAIN)/bin/pip install --quiet $$($(PLAIN)/bin/python -c "import tomllib; \
		print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['test'])")
	PYTHONSAFEPATH=1 $(PLAIN)/bin/python -m pytest -p no:cacheprovider

clean:
	rm -rf $(VENV) $(PLAIN) $(OUT) build .pytest_cache
