"""Fixtures shared by the test modules: the parameters, one run context, its corpus
and segmenter (built from ``[segment]``, as every stage and notebook gets them)."""

from __future__ import annotations

import pytest

from analysis.config import load_params
from analysis.context import RunContext


@pytest.fixture(scope="session")
def params():
    """The checked parameters of ``params.toml``."""
    return load_params()


@pytest.fixture(scope="module")
def ctx(params, tmp_path_factory):
    """A run context reading the project's inputs and writing into a temporary root."""
    return RunContext(params, tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def corpus(ctx):
    """The real compilation with unit metadata (its warnings are tested elsewhere)."""
    return ctx.corpus


@pytest.fixture(scope="module")
def articles(ctx):
    return ctx.corpus.articles


@pytest.fixture(scope="module")
def segmenter(ctx):
    """The segmenter of ``[segment]`` (lexicon, stopwords, gazetteer)."""
    return ctx.segmenter
