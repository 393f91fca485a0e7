# The dashboard as a container: docker build -t kizuna . && docker run -p 8501:8501 kizuna
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=8501
RUN useradd --create-home --uid 10001 kizuna
# The printed itinerary's fonts, embedded in every PDF (kizuna/printing/fonts.py): Japanese, and Noto Sans CJK for
# Korean and Chinese.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-ipaexfont-gothic fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app

COPY pyproject.toml README.md app.py ./
COPY .streamlit ./.streamlit
COPY data ./data
COPY kizuna ./kizuna
COPY kizuna_app ./kizuna_app
RUN pip install -e . && python -m compileall -q kizuna kizuna_app
COPY deploy ./deploy
# The code stays root's; feeds go to a writable folder outside it, which /app/static (what Streamlit serves at
# /app/static/) links to; published programs go to SQLite in that folder unless KIZUNA_DATABASE_URL names
# PostgreSQL. So `docker run --read-only` works with a volume or `--tmpfs` on /var/lib/kizuna.
ENV KIZUNA_STATIC_DIR=/var/lib/kizuna/static \
    KIZUNA_DATABASE_URL=sqlite:////var/lib/kizuna/kizuna.sqlite3
RUN mkdir -p "$KIZUNA_STATIC_DIR" && chown -R kizuna /var/lib/kizuna && ln -s "$KIZUNA_STATIC_DIR" static

USER kizuna
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ.get('PORT', '8501'), timeout=4)"
CMD ["./deploy/start.sh"]
