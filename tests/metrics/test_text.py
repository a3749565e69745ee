"""Text metrics: results of the established libraries, and per-sample counts that sum to them."""

from __future__ import annotations

import jiwer
import pytest
import sacrebleu

from assay.metrics import MetricsInputError
from assay.metrics.text import bleu, character_error_rate, rouge, word_error_counts, word_error_rate

REFERENCES = ["the cat sat on the mat", "a quick brown fox", "hello world"]
HYPOTHESES = ["the cat sat on mat", "a quick brown fox jumps", "hello word"]


def test_wer_and_cer_are_jiwer_s():
    assert word_error_rate(REFERENCES, HYPOTHESES) == jiwer.wer(REFERENCES, HYPOTHESES)
    assert character_error_rate(REFERENCES, HYPOTHESES) == jiwer.cer(REFERENCES, HYPOTHESES)


def test_per_sample_counts_sum_to_the_corpus_wer():
    errors, words = word_error_counts(REFERENCES, HYPOTHESES)
    assert errors.sum() / words.sum() == pytest.approx(word_error_rate(REFERENCES, HYPOTHESES))
    assert errors.tolist() == [1, 1, 1]


def test_bleu_is_sacrebleu_s_with_single_or_multiple_references():
    expected = sacrebleu.corpus_bleu(HYPOTHESES, [REFERENCES]).score
    assert bleu(REFERENCES, HYPOTHESES) == expected
    doubled = [[r, r.upper()] for r in REFERENCES]
    assert (
        bleu(doubled, HYPOTHESES)
        == sacrebleu.corpus_bleu(HYPOTHESES, [REFERENCES, [r.upper() for r in REFERENCES]]).score
    )


def test_rouge_of_identical_texts_is_one_and_lower_otherwise():
    assert rouge(REFERENCES, REFERENCES) == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    scores = rouge(REFERENCES, HYPOTHESES)
    assert all(0 < value < 1 for value in scores.values())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: word_error_rate(["a"], ["a", "b"]), "1 references but 2"),
        (lambda: word_error_rate("abc", "abc"), "not single strings"),
        (lambda: word_error_rate([" "], ["a"]), "at least one word"),
        (lambda: bleu([["a", "b"], ["c"]], ["a", "c"]), "same number"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(MetricsInputError, match=message):
        call()
