"""Training of Colorizer's own colorization models (`tiny`, `large`).

A small PyTorch package: `color` (sRGB <-> CIELAB), `cache` (decode the zip
shards once), `bins` (the 313 ab classes, prior and rebalancing weights),
`data` (random crops and flips), `models`, `train` (loop with checkpoints),
`export` (ONNX with decoding inside the graph) and `evaluate` (dev_eval metrics
and contact sheets). Run it through `make train MODEL=tiny` and `make evaluate`.
"""
