FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY imr ./imr
COPY cases ./cases
COPY timelines ./timelines
COPY notifications ./notifications
COPY reviewers ./reviewers
COPY reports ./reports
RUN pip install --no-cache-dir .
COPY . .
ENV DJANGO_SETTINGS_MODULE=imr.settings.production
RUN SECRET_KEY=build-only-collectstatic-key-build-only-collectstatic-key \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput
RUN useradd --create-home imr && mkdir -p /data/documents && chown imr /data/documents
USER imr
