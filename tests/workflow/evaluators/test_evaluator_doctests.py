"""The examples in the built-in evaluators' docstrings run and show what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "name",
    [
        "assay.workflow.evaluators",
        "assay.workflow.evaluators.classification",
        "assay.workflow.evaluators.keypoints",
        "assay.workflow.evaluators.object_detection",
    ],
)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
