"""The public names of the data-type modules: sorted, present, documented."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "assay.schema",
    "assay.workflow.annotation",
    "assay.workflow.asset",
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
def test_all_is_sorted_and_real(name):
    module = importlib.import_module(name)
    assert module.__all__ == sorted(module.__all__)
    for public in module.__all__:
        assert hasattr(module, public), public


@pytest.mark.parametrize("name", MODULES)
def test_public_names_have_docstrings(name):
    module = importlib.import_module(name)
    assert module.__doc__
    for public in module.__all__:
        value = getattr(module, public)
        if callable(value):
            assert value.__doc__, public


def test_workflow_package_reexports_the_data_types():
    import assay.workflow as workflow
    from assay.workflow import evaluator, plot, test_sample

    for module in (test_sample, plot, evaluator):
        for public in module.__all__:
            if public != "revive_plot":
                assert getattr(workflow, public) is getattr(module, public), public
