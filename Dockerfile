# The app image: gunicorn serving jining, static files collected at build time and served by
# whitenoise. bin/start (the CMD) waits for the database, migrates, loads the article data once and
# starts gunicorn. docker-compose.yml runs it beside PostgreSQL; see docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Dependencies first (cached while requirements.lock is unchanged): the exact tested versions.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .

# Static files are part of the image (hashed names + compressed copies); the key is a build-time
# throwaway: settings refuse to start without one, and nothing built here is signed with it.
RUN DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY=build-only-collectstatic-key-never-used-at-run-time-0123456789 \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput -v 0 \
 && rm -f /tmp/build.sqlite3

# Run as an unprivileged user that cannot write to the code or the static files.
RUN useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin jining
USER jining

ENV COLLECTSTATIC=0 \
    BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["bin/start"]
