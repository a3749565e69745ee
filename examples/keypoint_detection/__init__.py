"""The seed quickstart made real: a synthetic 5-point facial-keypoint benchmark, two models, an NME evaluator.

Run it from the repository root with ``python -m examples.keypoint_detection``.
"""
