#!/usr/bin/env bash
# The whole study on RAF-DB basic, on the official split, with every control it never ran:
#   scripts/reproduce_study.sh PATH/TO/RAF-DB/basic [OUT]        (a GPU and the hub models)
# CNN grid (3 networks with flip; ResNet18 with none/flip/rotate/crop), each fine-tuned from
# ImageNet at 224 px with early stopping and scored on the official test split; then captions
# (BLIP-2 flan-t5-xl) and CLIP ViT-L/14 text embeddings of every face through the best CNN
# (DenseNet121, as the study chose), six head kinds over five seeds, and OUT/report.md with the
# study's tables beside ours. Stopped, it resumes: run it again. The models come from
# $FERBOT_CONFIG (default ./config.toml); ARCHS, INIT, INPUT_SIZE, EPOCHS, SEEDS, HEAD_CNN override
# the plan (a smoke run: INIT=none INPUT_SIZE=48 EPOCHS=1 SEEDS=0).
set -euo pipefail
RAF=${1:?usage: scripts/reproduce_study.sh PATH/TO/RAF-DB/basic [OUT]}
OUT=${2:-study}
FERBOT=${FERBOT:-.venv/bin/ferbot}
CNN_OPTIONS=(--data "$RAF" --layout rafdb --init "${INIT:-imagenet}" --input-size "${INPUT_SIZE:-224}"
             --margin 0 --epochs "${EPOCHS:-40}" --patience 6 --batch-size 64 --lr 3e-4)

for arch in ${ARCHS:-vgg16 resnet18 densenet121}; do
    "$FERBOT" train cnn "${CNN_OPTIONS[@]}" --arch "$arch" --augment flip --out "$OUT/cnn-$arch-flip"
done
for augment in none rotate crop; do
    "$FERBOT" train cnn "${CNN_OPTIONS[@]}" --arch resnet18 --augment "$augment" \
        --out "$OUT/cnn-resnet18-$augment"
done
for run in "$OUT"/cnn-*; do
    "$FERBOT" eval --data "$RAF" --layout rafdb --split test --checkpoint "$run" --report "$run/test"
done

"$FERBOT" train head --data "$RAF" --layout rafdb --cnn "$OUT/cnn-${HEAD_CNN:-densenet121}-flip" --text \
    --cache "$OUT/features" --out "$OUT/heads" --seeds "${SEEDS:-0,1,2,3,4}"
"$FERBOT" eval --data "$RAF" --layout rafdb --split test --checkpoint "$OUT/heads/best" \
    --report "$OUT/heads/best/test"

cnn_runs=()
for run in "$OUT"/cnn-*; do cnn_runs+=(--cnn-runs "$run"); done
"$FERBOT" train report "${cnn_runs[@]}" --heads "$OUT/heads" --out "$OUT"
