#!/usr/bin/env bash
# The GPU table of BENCHMARKS.md: published shapes, random bf16 weights, one H100/H200.
# Run from the repository root on a CUDA machine with torch, transformers and torchvision.
set -euo pipefail
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch, torchvision, transformers; print('torch', torch.__version__, \
'torchvision', torchvision.__version__, 'transformers', transformers.__version__)"
exec python3 benchmarks/engine_bench.py --size published --families opt t5 --device cuda \
    --concurrency 1 64 256 --batching on --photos-per-slot 4 --min-photos 16 \
    --decode-workers 8 --max-wait-ms 20 --new-tokens 20 --direct-batches 1 64 256
