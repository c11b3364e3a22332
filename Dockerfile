# pdscan in a container, with the PostgreSQL and MySQL/MariaDB drivers (the `postgres` and `mysql` extras).
#
#   docker build -t pdscan .
#   docker run -v "$PWD:/data" pdscan scan exports/                          # files of the current folder
#   docker run pdscan scan postgresql://scanner@db.example/crm --workers 4   # a database
#
# The image runs as an unprivileged user in /data; mount the folder to scan there (read-only is enough: -v "$PWD:/data:ro"
# with -o pointing elsewhere, or reports on standard output). tests/habits/test_dockerfile.py checks this file.
FROM python:3.11-slim

LABEL org.opencontainers.image.title="pdscan" \
      org.opencontainers.image.description="Finds personal data in files and databases" \
      org.opencontainers.image.licenses="Apache-2.0"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Only what the wheel is built from (.dockerignore keeps the rest of the checkout out of the build context).
WORKDIR /src
COPY pyproject.toml README.md ./
COPY pdscan ./pdscan
COPY rules ./rules
RUN pip install '.[postgres,mysql]' \
    && rm -rf /src \
    && useradd --create-home --uid 10001 --user-group pdscan \
    && mkdir -p /data \
    && chown pdscan:pdscan /data

USER pdscan
WORKDIR /data
ENTRYPOINT ["pdscan"]
CMD ["--help"]
