"""PyTorch ports of face-api.js's SSD MobileNetV1 face detector and face expression net.

The bundled weights (fer_engine/weights/) were converted from the npm package
@vladmandic/face-api by scripts/convert_faceapi.py; every operation here reproduces what
face-api computes in TF.js, so both give the same boxes and probabilities on the same pixels.
"""
