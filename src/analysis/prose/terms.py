"""Sentences about words: keyness, place names, formulas, actors, a pattern's mentions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from ..gazetteer import Gazetteer
from ..segment.rules import PLACE_EXCEPTIONS
from .text import listing, percent, plural

__all__ = ["actor_sparsity", "correspondence_summary", "formula_recurrence",
           "keyness_summary", "place_check", "place_names", "places_among"]


def place_names(gazetteer: Gazetteer) -> frozenset:
    """A gazetteer's names and short forms of two or more characters, less the words the
    segmenter treats as common words (:data:`analysis.segment.rules.PLACE_EXCEPTIONS`)."""
    names = gazetteer.names | gazetteer.short_names
    return frozenset(n for n in names if len(n) >= 2 and n not in PLACE_EXCEPTIONS)


def places_among(terms: Iterable[str], places: frozenset) -> list[str]:
    """The terms that are place names, in their order, once each."""
    return list(dict.fromkeys(t for t in terms if t in places))


def place_check(terms: Iterable[str], places: frozenset, what: str) -> str:
    """Whether any of ``terms`` (described by ``what``) is a place name."""
    terms = list(terms)
    found = places_among(terms, places)
    if not found:
        return f"None of {what} is a gazetteer place name."
    return f"{len(found)} of {what} are gazetteer place names: {', '.join(found)}."


def _group_keyness(g: pd.DataFrame, name: str, top_n: int) -> str:
    over = g[g["direction"] == "over"]
    key = over[over["key"].astype(bool)]
    g2 = over[over["significant"].astype(bool)]
    one_doc = int((g2["key_note"] == "in one document of the group only").sum())
    n_docs = int(g["n_docs"].iloc[0])
    if key.empty:
        reason = (f"it has {plural(n_docs, 'document')}" if n_docs < 2
                  else "no over-used term passes both the token and the document test")
        top = ", ".join(f"{r.term} ({r.docs}/{r.n_docs})" for r in g2.head(top_n).itertuples())
        return (f"- **{name}** ({plural(n_docs, 'document')}): no key term; {reason} "
                f"(G² alone flags {len(g2)}" + (f"; its top {min(top_n, len(g2))}: {top}"
                                                if len(g2) else "") + ").")
    terms = ", ".join(f"{r.term} ({r.docs}/{r.n_docs})" for r in key.head(top_n).itertuples())
    return (f"- **{name}** ({plural(n_docs, 'document')}): {len(key)} key terms of {len(g2)} "
            f"that G² flags; {one_doc} of those occur in one document of the group only. "
            f"Top {min(top_n, len(key))} by G²: {terms}.")


def keyness_summary(kw: pd.DataFrame, by: str, *, top_n: int,
                    places: frozenset = frozenset()) -> str:
    """Key terms per group from the ``key`` flag (G² and the document-level test agree,
    at least two documents), and any place names among the top terms by G².

    Parameters
    ----------
    kw : DataFrame
        :func:`analysis.compare.keyness` output.
    by : str
        Its grouping column.
    top_n : int
        Terms listed per group (``keyness_top_n``).
    places : frozenset
        Place names (:func:`place_names`).
    """
    lines = ["A term is *key* for a group when G² flags it, the test over documents agrees "
             "and it occurs in at least two of the group's documents (in brackets: documents "
             "with the term / documents of the group)."]
    found = []
    for name, g in kw.groupby(by, sort=True):
        lines.append(_group_keyness(g, str(name), top_n))
        top = g[g["direction"] == "over"].head(top_n)["term"]
        found += [f"{t} ({name})" for t in places_among(top, places)]
    scope = "full or short form; the gazetteer holds no places below the county"
    tail = (f"Terms among the top {top_n} over-used by G² of each group that the gazetteer "
            f"lists as place names ({scope}): " + listing(found) + "." if found else
            f"No term among the top {top_n} over-used by G² of any group is a gazetteer place "
            f"name ({scope}).")
    return "\n".join(lines) + "\n\n" + tail


def formula_recurrence(table: pd.DataFrame, articles: pd.DataFrame, *,
                       place_col: str = "place", region_col: str = "province") -> str:
    """Which numbered formulas occur in more than one article, and where.

    ``table`` has ``formula`` and ``article_ids`` (space-separated ids), e.g. the
    output of :func:`analysis.compare.formulas_by_group` or ``fengqiao_formulas``;
    rows of one formula are pooled.
    """
    ids = (table.assign(ids=table["article_ids"].astype(str).str.split())
           .explode("ids").groupby("formula")["ids"]
           .agg(lambda s: sorted({int(i) for i in s})))
    meta = articles.set_index("article_id")
    single = int((ids.str.len() == 1).sum())
    out = [f"Of the {len(ids)} formulas, {single} occur in one article only."]
    recur = ids[ids.str.len() > 1].sort_index()
    lines = []
    for formula, aids in recur.items():
        where = [f"{a} ({meta.at[a, region_col]}, {meta.at[a, place_col]})" for a in aids]
        n_place = meta.loc[aids, place_col].nunique()
        n_region = meta.loc[aids, region_col].nunique()
        scope = ("one place" if n_place == 1 else
                 f"{n_place} places of one {region_col}" if n_region == 1
                 else f"{n_region} {region_col}s")
        scope = ("across " if n_region > 1 else "within ") + scope
        lines.append(f"- {formula}: articles {listing(where)}, {scope}")
    if lines:
        out.append(f"{len(recur)} recur:")
    return " ".join(out) + ("\n\n" + "\n".join(lines) if lines else "")


def actor_sparsity(at: pd.DataFrame, *, n: int = 3, names: Mapping | None = None) -> str:
    """The actors named in fewest paragraphs (their profiles are the noisiest)."""
    per = (at.drop_duplicates("actor")[["actor", "n_paragraphs", "n_articles"]]
           .sort_values(["n_paragraphs", "actor"], kind="stable"))
    none = per[per["n_paragraphs"] == 0]
    some = per[per["n_paragraphs"] > 0].head(n)
    out = ["Actors named in fewest paragraphs: " + listing(
        f"{(names or {}).get(r.actor, r.actor)} ({plural(r.n_paragraphs, 'paragraph')} in "
        f"{plural(r.n_articles, 'article')})" for r in some.itertuples()) + "."]
    if len(none):
        out.append("Never named in a body paragraph: " + listing(
            (names or {}).get(a, a) for a in none["actor"]) + ".")
    return " ".join(out)


def correspondence_summary(ca: pd.DataFrame, by: str) -> str:
    """Inertia shown by the two axes and the group that carries most of axis 2.

    ``ca`` is :func:`analysis.compare.correspondence` output (``kind`` ``group``
    rows with ``label``, ``dim2``, ``mass``, ``n_text``, ``explained_dim1``/``2``).
    """
    g = ca[ca["kind"] == "group"]
    contrib = g["mass"] * g["dim2"] ** 2
    share = contrib / contrib.sum()
    top = g.loc[share.idxmax()]
    e1, e2 = g["explained_dim1"].iloc[0], g["explained_dim2"].iloc[0]
    return (f"The first axis shows {percent(e1, 1)} of the inertia, the second "
            f"{percent(e2, 1)}, with {len(g)} `{by}` groups. {top['label']} "
            f"({plural(int(top['n_text']), 'article')} with text) carries "
            f"{percent(share.max(), 1)} of the second axis.")


