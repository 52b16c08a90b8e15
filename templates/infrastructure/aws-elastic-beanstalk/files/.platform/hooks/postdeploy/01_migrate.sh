#!/usr/bin/env bash
# Elastic Beanstalk runs this on each instance after a deploy: apply the database migrations
# inside the new app container (same image, same environment). Migrations are idempotent, so
# every instance running them is harmless; the first one does the work.
set -euo pipefail
container="$(docker ps --quiet --latest)"
docker exec "$container" {{ cookiecutter.data.container.migrate | join(" ") }}
