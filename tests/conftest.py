"""Fixtures shared by the test modules: the real corpus, the parameters, a segmenter."""

from __future__ import annotations

import warnings

import pytest

from analysis.config import load_params
from analysis.corpus import CorpusWarning, load_corpus
from analysis.segment import Segmenter


@pytest.fixture(scope="module")
def corpus():
    """The real compilation, loaded once per test module (its warnings are tested elsewhere)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return load_corpus()


@pytest.fixture(scope="module")
def params():
    return load_params()


@pytest.fixture(scope="module")
def segmenter():
    return Segmenter()
