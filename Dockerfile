# quizbot: one slim image, a non-root user, the database in a volume at /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    QUIZBOT_DATABASE=/data/quizbot.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY bank ./bank
COPY db ./db
RUN pip install . \
    && useradd --create-home --uid 10001 quizbot \
    && mkdir -p /data \
    && chown quizbot:quizbot /data

USER quizbot
VOLUME ["/data"]
# Proves the process is alive (fresh heartbeat) and that the database opens.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["quizbot", "health"]
CMD ["quizbot", "run"]
