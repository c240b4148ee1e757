# One image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=casetracker.settings

RUN useradd --create-home --uid 10001 casetracker
WORKDIR /app

COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY --chown=casetracker:casetracker . .
# collectstatic needs settings that import cleanly; the key here is a build-time dummy
# and never used at run time (the container refuses to start without a real one).
RUN DJANGO_DEBUG=True python manage.py collectstatic --no-input -v0

USER casetracker
EXPOSE 8000
CMD ["gunicorn", "casetracker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--graceful-timeout", "30"]
