"""The examples in the data-type modules' docstrings run and show what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "assay.schema",
    "assay.workflow._datatypes",
    "assay.workflow.annotation",
    "assay.workflow.evaluator",
    "assay.workflow.ground_truth",
    "assay.workflow.inference",
    "assay.workflow.io",
    "assay.workflow.plot",
    "assay.workflow.test_sample",
    "assay.workflow.visualization",
    "assay.workflow.workflow",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
