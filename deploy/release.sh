#!/bin/sh
# Run once per upgrade, before the new code serves: schema, cache table, static files.
# Migrations are written to be applied while the old code still runs (add, then use).
set -eu
python manage.py migrate --noinput
python manage.py createcachetable
python manage.py collectstatic --noinput --verbosity 0
python manage.py check --deploy --fail-level WARNING
