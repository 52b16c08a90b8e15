

# The function's code as Lambda runs it: app/ and the dependencies uv.lock pins (not the dev
# ones), as built for Lambda's Python 3.13 on arm64 (Amazon Linux 2023, glibc 2.34), not for
# this machine. `make package` writes them to build/function; `sam build` runs
# build-ApiFunction (template.yaml: BuildMethod makefile) with ARTIFACTS_DIR set.
# `make package ARTIFACTS_DIR=build/here LAMBDA_TARGET=` builds the same for this machine's
# Python, to try the package where the tests run.
ARTIFACTS_DIR ?= build/function
LAMBDA_TARGET ?= --python-version 3.13 --python-platform aarch64-manylinux_2_34

package:
	rm -rf "$(ARTIFACTS_DIR)" && mkdir -p "$(ARTIFACTS_DIR)"
	uv export --frozen --no-dev --no-emit-project --quiet -o "$(ARTIFACTS_DIR)/requirements.txt"
	uv pip install --quiet $(LAMBDA_TARGET) --only-binary :all: --no-compile \
		--target "$(ARTIFACTS_DIR)" -r "$(ARTIFACTS_DIR)/requirements.txt"
	rm "$(ARTIFACTS_DIR)/requirements.txt"
	cp -R app "$(ARTIFACTS_DIR)/app"
{%- for path in cookiecutter.data.container.get("copy", []) %}
	cp -R {{ path }} "$(ARTIFACTS_DIR)/{{ path }}"
{%- endfor %}
	find "$(ARTIFACTS_DIR)/app" -name __pycache__ -prune -exec rm -rf {} +

build-ApiFunction: package

# Hands the API function the sample request in events/, against the store in .env.
invoke-api:
	$(UV_RUN) python -m app.handler {{ cookiecutter.data.function.event }}
