"""The public surface of assay.metrics: names, docstrings with examples that run, and isolation."""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import assay.metrics

MODULES = [
    "assay.metrics._formula",
    "assay.metrics._geometry",
    "assay.metrics._matching",
    "assay.metrics._sliceset",
    "assay.metrics.classification",
    "assay.metrics.detection",
    "assay.metrics.keypoints",
    "assay.metrics.regression",
    "assay.metrics.slices",
    "assay.metrics.statistics",
    "assay.metrics.text",
]

KOLENA_SIGNATURES = {
    "precision": "(tp: 'float', fp: 'float') -> 'float'",
    "recall": "(tp: 'float', fn: 'float') -> 'float'",
    "f1_score": "(tp: 'float', fp: 'float', fn: 'float') -> 'float'",
    "accuracy": "(tp: 'float', fp: 'float', fn: 'float', tn: 'float') -> 'float'",
    "specificity": "(tn: 'float', fp: 'float') -> 'float'",
    "fpr": "(tn: 'float', fp: 'float') -> 'float'",
    "iou": "(a: 'Any', b: 'Any') -> 'float'",
}


def test_all_is_sorted_and_every_name_exists():
    assert assay.metrics.__all__ == sorted(assay.metrics.__all__)
    for name in assay.metrics.__all__:
        assert hasattr(assay.metrics, name), name


@pytest.mark.parametrize("name", assay.metrics.__all__)
def test_every_public_callable_has_a_docstring(name):
    obj = getattr(assay.metrics, name)
    if callable(obj):
        assert inspect.getdoc(obj), name


@pytest.mark.parametrize("name", sorted(KOLENA_SIGNATURES))
def test_kolena_names_keep_their_signatures(name):
    assert str(inspect.signature(getattr(assay.metrics, name))) == KOLENA_SIGNATURES[name]


def test_match_functions_keep_their_keyword_arguments():
    for function in (assay.metrics.match_inferences, assay.metrics.match_inferences_multiclass):
        parameters = inspect.signature(function).parameters
        assert list(parameters)[:2] == ["ground_truths", "inferences"]
        assert parameters["mode"].default == "pascal"
        assert parameters["iou_threshold"].default == 0.5
        assert parameters["ignored_ground_truths"].default is None


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_metric_docstrings_state_formula_and_example():
    for name in (
        "precision",
        "recall",
        "f1_score",
        "roc_auc",
        "average_precision",
        "r2_score",
        "coco_evaluate",
    ):
        doc = inspect.getdoc(getattr(assay.metrics, name))
        assert "=" in doc and ">>>" in doc, name


def test_the_library_imports_nothing_else_from_assay():
    package = Path(assay.metrics.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("assay.") or name.startswith("assay.metrics"), (path.name, name)
                assert name != "assay", path.name


def test_importing_the_library_does_not_load_numba():
    # numba costs a noticeable import time; only the detection and slice engines load it, on first use.
    code = (
        "import sys, assay; before = 'numba' in sys.modules; "
        "import assay.metrics; print(before, 'numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_the_error_is_a_value_error():
    assert issubclass(assay.metrics.MetricsInputError, ValueError)
