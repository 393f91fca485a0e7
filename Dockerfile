# The dashboard as a container: docker build -t kizuna . && docker run -p 8501:8501 kizuna
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=8501
RUN useradd --create-home --uid 10001 kizuna
WORKDIR /app

COPY pyproject.toml README.md ./
COPY kizuna ./kizuna
RUN pip install -e . && python -m compileall -q kizuna
COPY app.py ./
COPY .streamlit ./.streamlit
COPY data ./data
COPY deploy ./deploy
RUN mkdir static && chown kizuna static

USER kizuna
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ.get('PORT', '8501'), timeout=4)"
CMD ["./deploy/start.sh"]
