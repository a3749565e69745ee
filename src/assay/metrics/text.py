"""Text metrics that call the established libraries (the ``assay[text]`` extra): WER, CER, BLEU, ROUGE.

Nothing here re-implements those metrics: results are exactly those of ``jiwer``, ``sacrebleu`` and
``rouge-score``, so they compare with published numbers. The per-sample helpers return the counts that
sum over a test case (edits and reference lengths), for use with :func:`~assay.metrics.slices.sum_by_slice`.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType

import numpy as np
import numpy.typing as npt

from assay.metrics._errors import MetricsInputError

__all__ = [
    "bleu",
    "character_error_rate",
    "rouge",
    "word_error_counts",
    "word_error_rate",
]


def _require(module: str, package: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{package} is needed for this text metric; install it with `pip install assay[text]`"
        ) from error


def _texts(references: Sequence[str], hypotheses: Sequence[str]) -> tuple[list[str], list[str]]:
    if isinstance(references, str) or isinstance(hypotheses, str):
        raise MetricsInputError("references and hypotheses must be sequences of strings, not single strings")
    refs, hyps = list(references), list(hypotheses)
    if len(refs) != len(hyps):
        raise MetricsInputError(f"got {len(refs)} references but {len(hyps)} hypotheses")
    if not refs:
        raise MetricsInputError("at least one reference is needed")
    if not all(isinstance(x, str) for x in refs + hyps):
        raise MetricsInputError("references and hypotheses must be strings")
    if any(not r.strip() for r in refs):
        raise MetricsInputError("every reference must hold at least one word")
    return refs, hyps


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus word error rate, ``WER = (S + D + I) / N`` (jiwer).

    Substitutions, deletions and insertions are summed over all pairs and divided by the number of
    reference words, so long sentences weigh more. It can exceed 1 when there are many insertions.

    Args:
        references: Reference transcripts, none empty.
        hypotheses: Hypotheses, one per reference.

    Returns:
        The WER (0 is perfect).

    Raises:
        MetricsInputError: On mismatched lengths or an empty reference.
        ImportError: If jiwer is not installed.

    Example:
        >>> word_error_rate(["a b c", "d e"], ["a x c", "d e"])
        0.2
    """
    refs, hyps = _texts(references, hypotheses)
    return float(_require("jiwer", "jiwer").wer(refs, hyps))


def character_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus character error rate: the WER formula over characters (jiwer).

    Args:
        references: Reference texts, none empty.
        hypotheses: Hypotheses, one per reference.

    Returns:
        The CER (0 is perfect).

    Raises:
        MetricsInputError: On mismatched lengths or an empty reference.
        ImportError: If jiwer is not installed.

    Example:
        >>> round(character_error_rate(["abc"], ["abd"]), 4)
        0.3333
    """
    refs, hyps = _texts(references, hypotheses)
    return float(_require("jiwer", "jiwer").cer(refs, hyps))


def word_error_counts(
    references: Sequence[str], hypotheses: Sequence[str]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per-sample word edits (``S + D + I``) and reference word counts, to aggregate WER by slice.

    The WER of any set of samples is ``sum(errors) / sum(words)`` over it.

    Args:
        references: Reference transcripts, none empty.
        hypotheses: Hypotheses, one per reference.

    Returns:
        ``(errors, words)``, each of shape ``(N,)``.

    Raises:
        MetricsInputError: On mismatched lengths or an empty reference.
        ImportError: If jiwer is not installed.

    Example:
        >>> errors, words = word_error_counts(["a b c", "d e"], ["a x c", "d e"])
        >>> errors.tolist(), words.tolist()
        ([1, 0], [3, 2])
    """
    refs, hyps = _texts(references, hypotheses)
    jiwer = _require("jiwer", "jiwer")
    errors = np.empty(len(refs), dtype=np.int64)
    words = np.empty(len(refs), dtype=np.int64)
    for i, (ref, hyp) in enumerate(zip(refs, hyps, strict=True)):
        out = jiwer.process_words(ref, hyp)
        errors[i] = out.substitutions + out.deletions + out.insertions
        words[i] = out.substitutions + out.deletions + out.hits
    return errors, words


def bleu(references: Sequence[str] | Sequence[Sequence[str]], hypotheses: Sequence[str]) -> float:
    """Corpus BLEU on a 0–100 scale, with sacrebleu's standard tokenisation and smoothing.

    ``BLEU = BP · exp(Σ_{n=1..4} ¼ log p_n)`` with modified n-gram precisions ``p_n`` over the corpus and
    brevity penalty ``BP = min(1, exp(1 - r / c))``.

    Args:
        references: One reference per hypothesis, or one list of alternative references per hypothesis.
        hypotheses: System outputs.

    Returns:
        The BLEU score (100 is perfect).

    Raises:
        MetricsInputError: On mismatched lengths.
        ImportError: If sacrebleu is not installed.

    Example:
        >>> round(bleu(["the cat sat on the mat"], ["the cat sat on the mat"]), 6)
        100.0
    """
    hyps = list(hypotheses)
    refs = [[r] if isinstance(r, str) else list(r) for r in references]
    if len(refs) != len(hyps) or not hyps:
        raise MetricsInputError(f"got {len(refs)} references but {len(hyps)} hypotheses (need at least one)")
    width = max(len(r) for r in refs)
    if any(len(r) != width for r in refs):
        raise MetricsInputError("every hypothesis must have the same number of alternative references")
    streams = [[r[j] for r in refs] for j in range(width)]
    sacrebleu = _require("sacrebleu", "sacrebleu")
    return float(sacrebleu.corpus_bleu(hyps, streams).score)


def rouge(
    references: Sequence[str],
    hypotheses: Sequence[str],
    *,
    types: Sequence[str] = ("rouge1", "rouge2", "rougeL"),
    use_stemmer: bool = True,
) -> dict[str, float]:
    """Mean ROUGE F-measure per type over the pairs (rouge-score).

    ROUGE-N is the F-measure of overlapping n-grams; ROUGE-L that of the longest common subsequence.

    Args:
        references: Reference texts.
        hypotheses: Candidate texts, one per reference.
        types: ROUGE types understood by rouge-score.
        use_stemmer: Apply the Porter stemmer before matching.

    Returns:
        ``{type: mean F-measure}``.

    Raises:
        MetricsInputError: On mismatched lengths or an empty reference.
        ImportError: If rouge-score is not installed.

    Example:
        >>> rouge(["the cat sat"], ["the cat sat"], types=["rouge1"])
        {'rouge1': 1.0}
    """
    refs, hyps = _texts(references, hypotheses)
    scorer_module = _require("rouge_score.rouge_scorer", "rouge-score")
    scorer = scorer_module.RougeScorer(list(types), use_stemmer=use_stemmer)
    totals = dict.fromkeys(types, 0.0)
    for ref, hyp in zip(refs, hyps, strict=True):
        scores = scorer.score(ref, hyp)
        for name in types:
            totals[name] += scores[name].fmeasure
    return {name: total / len(refs) for name, total in totals.items()}
