# syntax=docker/dockerfile:1
# The production image: the Procfile's processes (web, worker, beat, release) in one
# image, chosen by the command (compose.yaml). Not built on the development machines;
# tests/idverify/test_deploy_artefacts.py keeps its commands and variables in step with
# the Procfile and README's configuration table.

# --- build: compile the wheels (psycopg, xmlsec for SAML) into a virtualenv ----------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config \
      libxml2-dev libxmlsec1-dev libxmlsec1-openssl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# requirements.txt installs ./verifier (editable): the same path as at run time.
COPY requirements.txt ./
COPY verifier ./verifier
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt

# --- runtime: the virtualenv, the source, the OCR model; no compilers ------------------
FROM python:3.11-slim-bookworm AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr poppler-utils \
      libxml2 libxmlsec1 libxmlsec1-openssl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home idverify
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    IDV_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    IDV_TESSDATA_DIR=/app/share/tesseract \
    PORT=8000
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --chown=idverify:idverify . .
# Static files are part of the image; a throwaway quick-start configuration is enough here.
RUN IDV_QUICKSTART=1 IDV_VAR_DIR=/tmp/build-var python manage.py collectstatic --noinput -v0 \
 && rm -rf /tmp/build-var \
 && mkdir -p /app/var \
 && chown -R idverify:idverify /app/var /app/staticfiles
USER idverify
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"
# The Procfile's web command; compose.yaml runs worker, beat and release from this image.
CMD python -m gunicorn idverify.wsgi:application -c idverify/gunicorn_config.py --bind 0.0.0.0:${PORT:-8000} --workers ${WEB_CONCURRENCY:-2} --threads ${WEB_THREADS:-4}
