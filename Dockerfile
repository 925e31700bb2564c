# ferbot on a GPU host:
#   docker build -t ferbot .
#   docker run --gpus all -v ferbot-models:/models -v ferbot-data:/data -e TELEGRAM_TOKEN ferbot
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 ferbot \
    && mkdir -p /models /data /app \
    && chown ferbot:ferbot /models /data /app

# Hub models (BLIP-2, CLIP) and torchvision weights are cached in a volume, not the image;
# the embedded SQLite store lives in another (use FERBOT_STORAGE__URL for PostgreSQL).
ENV HF_HOME=/models/huggingface \
    TORCH_HOME=/models/torch \
    FERBOT_STORAGE__URL=sqlite+aiosqlite:////data/ferbot.db \
    PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1
VOLUME ["/models", "/data"]

WORKDIR /app
COPY --chown=ferbot:ferbot pyproject.toml README.md config.toml ./
COPY --chown=ferbot:ferbot fer_engine fer_engine
COPY --chown=ferbot:ferbot storage storage
COPY --chown=ferbot:ferbot bot bot
COPY --chown=ferbot:ferbot adapters adapters
COPY --chown=ferbot:ferbot dashboard dashboard
COPY --chown=ferbot:ferbot ferbot ferbot
COPY --chown=ferbot:ferbot samples samples

USER ferbot
RUN python3 -m venv .venv && .venv/bin/pip install --no-cache-dir .

ENTRYPOINT ["ferbot"]
CMD ["run"]
