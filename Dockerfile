# syntax=docker/dockerfile:1
# AI Gallery: one image for the web and worker processes, plus an Nginx image with the static files.

FROM python:3.12-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt
WORKDIR /app
COPY . .
# Hashed, compressed static files, built once into the image.
RUN DEBUG=False DJANGO_SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build \
    EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend \
    python manage.py collectstatic --no-input

FROM python:3.12-slim-bookworm AS app
# ca-certificates: openai 3.x and stripe verify TLS against the system store. fonts-nanum: receipt
# PDFs print Hangul names and addresses (lib/receipts.py). No compilers here.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates fonts-nanum \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 app
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 DEBUG=False
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=app:app /app /app
WORKDIR /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "core.wsgi:application", "-c", "gunicorn.conf.py"]

FROM nginx:1.27-alpine AS nginx
COPY --from=build /app/staticfiles /app/staticfiles
COPY nginx/default.conf.template /etc/nginx/templates/default.conf.template
ENV LISTEN_PORT=80 UPSTREAM=web:8000 STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/app/media PRIVATE_MEDIA_ROOT=/app/private_media \
    CACHE_ROOT=/var/cache/nginx/pages
