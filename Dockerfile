# quizbot: built from requirements/app.lock, only bot/, cogs/, bank/ and db/ inside, run as a
# non-root user with the database in a volume at /data. The README's "Docker" section says what
# was verified of this file and what was not.

# A patch release, not a moving tag such as 3.11-slim. To pin harder, append the digest that
# `docker buildx imagetools inspect python:3.11.14-slim-bookworm` prints: @sha256:...
FROM python:3.11.14-slim-bookworm AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TMPDIR=/tmp \
    MPLCONFIGDIR=/tmp/matplotlib \
    QUIZBOT_DATABASE=/data/quizbot.db

# uid 10001, which a bind-mounted data folder must belong to (see the README).
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin quizbot \
    && mkdir -p /data /backups \
    && chown quizbot:quizbot /data /backups

# The dependencies in a layer of their own, made from the lock alone: a code change does not
# reinstall them, and pip refuses any file whose hash is not the lock's.
COPY requirements/app.lock /tmp/app.lock
RUN pip install --require-hashes --no-deps -r /tmp/app.lock && rm /tmp/app.lock

# quizbot itself, built as a wheel in a stage of its own so the final image holds no sources,
# with the lock's setuptools (no build isolation: nothing unpinned is downloaded).
FROM base AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY bank ./bank
COPY db ./db
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

FROM base
COPY --from=build /wheels /wheels
RUN pip install --no-deps /wheels/*.whl && rm -rf /wheels

USER quizbot:quizbot
WORKDIR /data
VOLUME ["/data"]
# Truthful: fails unless the bot is connected to Discord and ready (see `quizbot health`).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["quizbot", "health"]
CMD ["quizbot", "run"]
