#!/usr/bin/env bash
# Issue 12's GPU table in BENCHMARKS.md: fast path against plain path, published shapes with
# random bf16 weights, OPT-2.7B and flan-t5-xl, on one H100/H200. Run from the repository root
# on a CUDA machine whose python3 has torch, torchvision and transformers (as
# engine_bench_gpu.sh). Prints each path's row as it finishes, then the table.
set -euo pipefail
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch, torchvision, transformers; print('torch', torch.__version__, \
'torchvision', torchvision.__version__, 'transformers', transformers.__version__)"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# Under the device tool's 10-minute limit, with room to print what was measured.
exec timeout 570 python3 -m benchmarks.gpu_bench "$@"
