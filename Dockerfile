# Production image: gunicorn behind whatever terminates TLS. See README "Docker compose".
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH"

# postgresql-client: pg_dump/pg_restore for `manage.py backup` and `restore` (Debian's 15,
# the compose file's server version). WeasyPrint (minutes as PDF) needs Pango, HarfBuzz's
# subsetter and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv \
    && useradd --create-home --uid 1000 boardroom

WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --locked --no-dev --no-install-project

COPY . .
# collectstatic needs settings, not secrets: a throwaway key is fine at build time.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && mkdir -p /app/data && chown boardroom /app/data

USER boardroom
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn governance.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
