# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Keyword-count features for sentiment analysis of raw text.

The lecture exercise "sentiment of movie reviews from keyword counts": count
how often a review uses positive and negative sentiment words and feed those
few numbers to logistic regression.

* :class:`KeywordCounter` -- a scikit-learn transformer from raw documents
  to keyword counts (per keyword, or summed into "positive" and "negative").
* :func:`keyword_vocabulary` -- the same keywords as a vocabulary for a plain
  :class:`~sklearn.feature_extraction.text.CountVectorizer`.
* :func:`make_sentiment_pipeline` -- features, scaling and a
  :class:`~sklearn_sigmoid.GDLogisticRegression` in one
  :class:`~sklearn.pipeline.Pipeline`.
* :data:`DEFAULT_POSITIVE_KEYWORDS`, :data:`DEFAULT_NEGATIVE_KEYWORDS` -- a
  small hand-chosen default lexicon.

Tokenisation
------------
Documents and keywords are split into tokens by the same regular expression,
:data:`DEFAULT_TOKEN_PATTERN` ``r"(?u)\\b\\w[\\w'-]*\\b"`` unless told
otherwise: a token starts and ends with a word character and may contain
apostrophes and hyphens, so ``"don't"``, ``"well-known"`` and ``"a"`` are
single tokens.  It differs from ``CountVectorizer``'s default
``r"(?u)\\b\\w\\w+\\b"``, which drops one-letter tokens and splits
``"don't"`` into ``"don"`` and ``"t"``.  It suits the Pang & Lee movie
reviews (lowercased, punctuation split off by spaces, hyphenated words and
contractions kept whole) and the Hu & Liu opinion lexicon, whose ~200
hyphenated entries (``"ill-conceived"``, ``"over-hyped"``) then match as
written.
"""

import os
import re
from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler
from sklearn.utils.validation import check_is_fitted

from sklearn_sigmoid._classifier import GDLogisticRegression
from sklearn_sigmoid._doc_link import DOC_LINK_MODULE, DOC_LINK_TEMPLATE
from sklearn_sigmoid.datasets import read_lexicon_file

__all__ = [
    "DEFAULT_NEGATIVE_KEYWORDS",
    "DEFAULT_POSITIVE_KEYWORDS",
    "DEFAULT_TOKEN_PATTERN",
    "KeywordCounter",
    "keyword_vocabulary",
    "make_sentiment_pipeline",
]

#: Token pattern shared by documents and keywords (see the module docstring).
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w[\w'-]*\b"

# Hand-chosen common English movie-review sentiment words.  Words that are
# frequent in reviews of both polarities ("good", "funny", "fun") were left
# out on purpose: they mostly add noise to the summed counts.
#: Default positive keywords (34 lowercase single words).
DEFAULT_POSITIVE_KEYWORDS = (
    "amazing",
    "beautiful",
    "beautifully",
    "best",
    "brilliant",
    "captivating",
    "charming",
    "delightful",
    "effective",
    "enjoyable",
    "enjoyed",
    "entertaining",
    "excellent",
    "fantastic",
    "great",
    "hilarious",
    "impressive",
    "incredible",
    "love",
    "masterpiece",
    "memorable",
    "moving",
    "outstanding",
    "perfect",
    "perfectly",
    "powerful",
    "remarkable",
    "riveting",
    "solid",
    "stunning",
    "superb",
    "terrific",
    "touching",
    "wonderful",
)

#: Default negative keywords (37 lowercase single words).
DEFAULT_NEGATIVE_KEYWORDS = (
    "annoying",
    "awful",
    "bad",
    "badly",
    "bored",
    "boring",
    "disappointing",
    "disappointment",
    "dreadful",
    "dull",
    "dumb",
    "failed",
    "fails",
    "horrible",
    "lame",
    "laughable",
    "mediocre",
    "mess",
    "mindless",
    "nonsense",
    "pathetic",
    "pointless",
    "poor",
    "poorly",
    "predictable",
    "ridiculous",
    "silly",
    "stupid",
    "tedious",
    "terrible",
    "unfunny",
    "uninspired",
    "waste",
    "wasted",
    "weak",
    "worse",
    "worst",
)

_SUMMARY_NAMES = ("n_positive", "n_negative")
_LOG_LENGTH_NAME = "log_length"


# -- helpers ------------------------------------------------------------------


def _text_tools(lowercase, token_pattern):
    """The preprocessor and tokenizer a ``CountVectorizer`` would use."""
    if not isinstance(token_pattern, str):
        raise TypeError(f"token_pattern must be a str; got {token_pattern!r}.")
    try:
        re.compile(token_pattern)
    except re.error as exc:
        raise ValueError(
            f"token_pattern={token_pattern!r} is not a valid regular expression: {exc}"
        ) from None
    vectorizer = CountVectorizer(lowercase=lowercase, token_pattern=token_pattern)
    return vectorizer.build_preprocessor(), vectorizer.build_tokenizer()


def _keyword_term(keyword, preprocess, tokenize):
    """The n-gram (tokens joined by one space) that counts ``keyword``.

    Returns None when the keyword is not a whitespace-separated sequence of
    whole tokens (e.g. ``"a+"`` or ``"f**k"``), which could not be counted as
    written.
    """
    text = preprocess(keyword)
    tokens = tokenize(text)
    if not tokens or tokens != text.split():
        return None
    return " ".join(tokens)


def _keyword_terms(keywords, name, default, preprocess, tokenize, token_pattern):
    """Validated, de-duplicated terms of one keyword list, in input order."""
    if keywords is None:
        keywords = default
    if isinstance(keywords, (str, bytes)):
        raise TypeError(
            f"{name} must be a list of keywords, not a single string "
            f"({keywords!r}); write [{keywords!r}]."
        )
    if isinstance(keywords, Mapping) or not isinstance(keywords, Iterable):
        raise TypeError(
            f"{name} must be a list (or other iterable) of str keywords; got "
            f"{type(keywords).__name__}."
        )
    keywords = list(keywords)
    for kw in keywords:
        if not isinstance(kw, str):
            raise TypeError(
                f"{name} keywords must be str; got {kw!r} of type {type(kw).__name__}."
            )
    terms = {}
    for kw in keywords:
        term = _keyword_term(kw, preprocess, tokenize)
        if term is None:
            raise ValueError(
                f"{name} keyword {kw!r} cannot be counted: token_pattern="
                f"{token_pattern!r} splits it into {tokenize(preprocess(kw))!r}. "
                "A keyword must be one or more whitespace-separated tokens, "
                "each matched whole by the token pattern."
            )
        terms.setdefault(term, kw)
    if not terms:
        raise ValueError(
            f"{name} is empty; give at least one keyword, or None for the "
            "default keywords."
        )
    return list(terms)


def _split_terms(positive, negative, lowercase, token_pattern):
    """Positive and negative terms, checked to be non-empty and disjoint."""
    preprocess, tokenize = _text_tools(lowercase, token_pattern)
    if isinstance(positive, (set, frozenset)):
        positive = sorted(positive, key=str)
    if isinstance(negative, (set, frozenset)):
        negative = sorted(negative, key=str)
    pos = _keyword_terms(
        positive,
        "positive",
        DEFAULT_POSITIVE_KEYWORDS,
        preprocess,
        tokenize,
        token_pattern,
    )
    neg = _keyword_terms(
        negative,
        "negative",
        DEFAULT_NEGATIVE_KEYWORDS,
        preprocess,
        tokenize,
        token_pattern,
    )
    neg_set = set(neg)
    both = [term for term in pos if term in neg_set]
    if both:
        raise ValueError(
            f"Keywords {both!r} are in both the positive and the negative "
            "list (after lowercasing and tokenising); a keyword must have "
            "one polarity."
        )
    return pos, neg


def keyword_vocabulary(
    positive=None, negative=None, *, lowercase=True, token_pattern=DEFAULT_TOKEN_PATTERN
):
    """The combined keyword vocabulary, positive keywords first.

    Use it to count keywords with a plain ``CountVectorizer``, for instance
    when a pipeline already holds one::

        vocab = keyword_vocabulary(pos, neg)
        CountVectorizer(vocabulary=vocab, token_pattern=DEFAULT_TOKEN_PATTERN,
                        ngram_range=(1, max(len(t.split()) for t in vocab)))

    :class:`KeywordCounter` does exactly this (and can also sum the counts).

    Parameters
    ----------
    positive, negative : iterable of str or None, default=None
        The keywords; None gives :data:`DEFAULT_POSITIVE_KEYWORDS` /
        :data:`DEFAULT_NEGATIVE_KEYWORDS`.  A keyword may span several
        tokens (``"waste of time"``).  Repeated keywords are kept once.
    lowercase : bool, default=True
        Lowercase the keywords (as ``CountVectorizer`` lowercases documents).
    token_pattern : str, default=DEFAULT_TOKEN_PATTERN
        The regular expression that defines a token.

    Returns
    -------
    vocabulary : list of str
        The terms as ``CountVectorizer`` forms them: lowercased, the tokens of
        a multi-word keyword joined by one space.  The first
        ``len(positive terms)`` are the positive ones.

    Raises
    ------
    ValueError
        If a list is empty, a keyword is in both lists, or a keyword is not
        made of whole tokens (e.g. ``"a+"``).
    TypeError
        If a list is a single string or holds a non-str item.

    Examples
    --------
    >>> from sklearn_sigmoid.features import keyword_vocabulary
    >>> keyword_vocabulary(["Great", "great", "must see"], ["waste  of time"])
    ['great', 'must see', 'waste of time']
    """
    pos, neg = _split_terms(positive, negative, lowercase, token_pattern)
    return pos + neg


def _check_documents(X):
    """``X`` as a list of str documents, or a clear error."""
    if isinstance(X, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, string object "
            "received; wrap a single document in a list."
        )
    if sp.issparse(X):
        raise TypeError(
            "KeywordCounter expects raw text documents (an iterable of str), "
            "not a sparse matrix: it replaces CountVectorizer(vocabulary=...). "
            "To count keywords with an existing CountVectorizer, give it "
            "vocabulary=keyword_vocabulary(positive, negative) instead."
        )
    ndim = getattr(X, "ndim", None)
    if ndim is not None and ndim != 1:
        raise ValueError(
            "KeywordCounter expects a 1-D iterable of str documents; got an "
            f"array of shape {getattr(X, 'shape', None)}.  Pass the text "
            "column itself (e.g. df['text'])."
        )
    if not isinstance(X, Iterable):
        raise TypeError(
            "KeywordCounter expects an iterable of str documents; got "
            f"{type(X).__name__}."
        )
    docs = list(X)
    for i, doc in enumerate(docs):
        if not isinstance(doc, str):
            raise TypeError(
                "KeywordCounter expects raw text documents (str); document "
                f"{i} is {doc!r} of type {type(doc).__name__}."
            )
    return docs


# -- the transformer ----------------------------------------------------------


class KeywordCounter(TransformerMixin, BaseEstimator):
    """Count positive and negative sentiment keywords in raw text.

    Each document is tokenised as ``CountVectorizer`` would (lowercased, split
    by ``token_pattern``) and the occurrences of every keyword are counted;
    with ``summarize=True`` the counts are summed into the number of positive
    and the number of negative keyword occurrences.  Counting is done by a
    ``CountVectorizer(vocabulary=...)`` built in :meth:`fit` (nothing is
    learnt from the data), so it is vectorised and sparse.

    ``KeywordCounter`` takes raw documents and replaces
    ``CountVectorizer(vocabulary=...)``; it does not accept an already
    vectorised count matrix.  For that, use :func:`keyword_vocabulary`.

    Parameters
    ----------
    positive : list-like of str or None, default=None
        Positive keywords; None gives :data:`DEFAULT_POSITIVE_KEYWORDS`.
        Repeated keywords are counted once; a set is used in sorted order.
    negative : list-like of str or None, default=None
        Negative keywords; None gives :data:`DEFAULT_NEGATIVE_KEYWORDS`.
    summarize : bool, default=True
        True: two columns, the number of positive and of negative keyword
        occurrences, as a dense array.  False: one column per keyword
        (positive keywords first), as a sparse CSR matrix.
    log_length : bool, default=False
        Append a column ``log(1 + number of tokens)`` of each document.
    lowercase : bool, default=True
        Lowercase documents and keywords before matching; with False the
        match is case-sensitive.
    token_pattern : str, default=DEFAULT_TOKEN_PATTERN
        Regular expression defining a token, ``r"(?u)\\b\\w[\\w'-]*\\b"``
        (see the module docstring for why not ``CountVectorizer``'s).

    Attributes
    ----------
    positive_terms_ : tuple of str
        The positive keywords as counted (lowercased, tokens joined by one
        space, duplicates removed).
    negative_terms_ : tuple of str
        The same for the negative keywords.
    vectorizer_ : CountVectorizer
        The counter, with ``vocabulary = positive_terms_ + negative_terms_``
        and ``ngram_range = (1, longest keyword in tokens)``.
    indicator_ : scipy.sparse.csr_matrix of shape (n_keywords, 2)
        Column 0 marks the positive keywords, column 1 the negative ones;
        the summarised features are ``counts @ indicator_``.

    See Also
    --------
    keyword_vocabulary : The keywords as a vocabulary for ``CountVectorizer``.
    make_sentiment_pipeline : Keyword counts, scaling and logistic regression.

    Notes
    -----
    A keyword must be one or more whitespace-separated tokens, each matched
    whole by ``token_pattern`` (``"waste of time"`` and ``"well-known"`` are
    fine, ``"a+"`` is rejected with a ValueError, since the tokenizer would
    turn it into ``"a"``).  Multi-word keywords are counted as n-grams, so the
    vectorizer's ``ngram_range`` goes up to the longest keyword.  N-grams are
    formed from the token sequence, so punctuation between the words is
    ignored ("waste, of time" matches ``"waste of time"`` too).  Overlapping
    keywords are counted independently: with both ``"waste"`` and
    ``"waste of time"``, the text "a waste of time" counts one of each.

    Examples
    --------
    >>> from sklearn_sigmoid.features import KeywordCounter
    >>> docs = ["A great, GREAT film.", "Bad acting; a waste of time."]
    >>> counter = KeywordCounter(positive=["great", "superb"],
    ...                          negative=["bad", "waste of time"])
    >>> counter.fit_transform(docs)
    array([[2., 0.],
           [0., 2.]])
    >>> counter.get_feature_names_out()
    array(['n_positive', 'n_negative'], dtype=object)
    >>> counter.set_params(summarize=False).fit_transform(docs).toarray()
    array([[2., 0., 0., 0.],
           [0., 0., 1., 1.]])
    """

    # The HTML repr's "?" links to this class's API page (see _doc_link.py).
    _doc_link_module = DOC_LINK_MODULE
    _doc_link_template = DOC_LINK_TEMPLATE

    _parameter_constraints: dict = {
        "positive": ["array-like", None],
        "negative": ["array-like", None],
        "summarize": ["boolean"],
        "log_length": ["boolean"],
        "lowercase": ["boolean"],
        "token_pattern": [str],
    }

    def __init__(
        self,
        positive=None,
        negative=None,
        *,
        summarize=True,
        log_length=False,
        lowercase=True,
        token_pattern=DEFAULT_TOKEN_PATTERN,
    ):
        self.positive = positive
        self.negative = negative
        self.summarize = summarize
        self.log_length = log_length
        self.lowercase = lowercase
        self.token_pattern = token_pattern

    @classmethod
    def from_lexicon(cls, positive, negative, **kwargs):
        """A counter with the words of a Hu & Liu opinion lexicon.

        Takes two word-list files (one word a line; lines starting with
        ``';'`` are comments, blank lines are skipped, see
        :func:`sklearn_sigmoid.datasets.read_lexicon_file`) or the word lists
        themselves (e.g. from
        :func:`sklearn_sigmoid.datasets.load_opinion_lexicon`).  Two kinds of
        entries are dropped, since they cannot be keywords: those that are
        not made of whole tokens under ``token_pattern`` (in Hu & Liu with the
        default pattern: ``"a+"``, ``"anti-"``, ``"bull****"``, ``"bull----"``,
        ``"d*mn"``, ``"f**k"``, ``"sh*t"``) and those listed in both files
        (``"envious"``, ``"enviously"``, ``"enviousness"``).

        Parameters
        ----------
        positive, negative : str, path-like or iterable of str
            The positive and the negative word list: files such as
            ``opinion_lexicon/positive-words.txt`` and
            ``opinion_lexicon/negative-words.txt``, or lists of words.
        **kwargs
            Other parameters of :class:`KeywordCounter` (``summarize``,
            ``log_length``, ``lowercase``, ``token_pattern``).

        Returns
        -------
        counter : KeywordCounter
            An unfitted counter whose ``positive`` and ``negative`` are tuples
            of the kept words, in file order.
        """
        lowercase = kwargs.get("lowercase", True)
        token_pattern = kwargs.get("token_pattern", DEFAULT_TOKEN_PATTERN)
        preprocess, tokenize = _text_tools(lowercase, token_pattern)

        def countable(source):
            words = {}
            for word in read_lexicon_file(source):
                term = _keyword_term(word, preprocess, tokenize)
                if term is not None:
                    words.setdefault(term, word)
            return words

        pos, neg = countable(positive), countable(negative)
        both = pos.keys() & neg.keys()
        return cls(
            positive=tuple(w for t, w in pos.items() if t not in both),
            negative=tuple(w for t, w in neg.items() if t not in both),
            **kwargs,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the keywords and build the counter.

        Nothing is learnt from the documents; they are only checked.

        Parameters
        ----------
        X : iterable of str
            Raw text documents.
        y : None
            Ignored.

        Returns
        -------
        self : KeywordCounter
            The fitted transformer.
        """
        _check_documents(X)
        pos, neg = _split_terms(
            self.positive, self.negative, self.lowercase, self.token_pattern
        )
        vocabulary = {term: i for i, term in enumerate(pos + neg)}
        longest = max(len(term.split()) for term in vocabulary)
        self.positive_terms_ = tuple(pos)
        self.negative_terms_ = tuple(neg)
        self.vectorizer_ = CountVectorizer(
            vocabulary=vocabulary,
            lowercase=self.lowercase,
            token_pattern=self.token_pattern,
            ngram_range=(1, longest),
            dtype=np.float64,
        ).fit([])
        column = np.repeat([0, 1], [len(pos), len(neg)])
        self.indicator_ = sp.csr_matrix(
            (np.ones(len(column)), (np.arange(len(column)), column)),
            shape=(len(column), 2),
        )
        return self

    def transform(self, X):
        """Count the keywords in each document.

        Parameters
        ----------
        X : iterable of str
            Raw text documents.

        Returns
        -------
        X_new : ndarray of shape (n_samples, 2 or 3) or \
                scipy.sparse.csr_matrix of shape (n_samples, n_keywords [+ 1])
            float64 counts: dense ``[n_positive, n_negative(, log_length)]``
            with ``summarize=True``, else sparse per-keyword counts in the
            order of :meth:`get_feature_names_out`.
        """
        check_is_fitted(self)
        docs = _check_documents(X)
        counts = self.vectorizer_.transform(docs)
        extra = None
        if self.log_length:
            preprocess = self.vectorizer_.build_preprocessor()
            tokenize = self.vectorizer_.build_tokenizer()
            n_tokens = np.fromiter(
                (len(tokenize(preprocess(doc))) for doc in docs),
                dtype=np.float64,
                count=len(docs),
            )
            extra = np.log1p(n_tokens)[:, None]
        if self.summarize:
            out = (counts @ self.indicator_).toarray()
            return out if extra is None else np.hstack([out, extra])
        out = sp.csr_matrix(counts, dtype=np.float64)
        if extra is not None:
            out = sp.hstack([out, sp.csr_matrix(extra)], format="csr")
        return out

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : None
            Ignored (the input is raw text).

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``["n_positive", "n_negative"]`` with ``summarize=True``, else the
            keyword terms (positive first); then ``"log_length"`` with
            ``log_length=True``.
        """
        check_is_fitted(self)
        if self.summarize:
            names = list(_SUMMARY_NAMES)
        else:
            names = [*self.positive_terms_, *self.negative_terms_]
        if self.log_length:
            names.append(_LOG_LENGTH_NAME)
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags


# -- the pipeline -------------------------------------------------------------


def make_sentiment_pipeline(
    estimator=None, *, keywords="default", scale=True, **vectorizer_params
):
    """A text-classification pipeline: features, scaling, logistic regression.

    The pipeline always has the three steps ``"features"``, ``"scale"`` and
    ``"model"``, so parameters can be set or searched as, e.g.,
    ``model__learning_rate``, ``features__log_length`` or
    ``scale=["passthrough", MaxAbsScaler()]``.

    Parameters
    ----------
    estimator : estimator or None, default=None
        The final step; None gives ``GDLogisticRegression()``.  Used as it
        is (not cloned).
    keywords : 'default', list of str, (positive, negative), path or None, \
            default='default'
        The ``"features"`` step.

        * ``'default'``: ``KeywordCounter()`` with the default keywords.
        * A flat list of keywords, e.g. ``["good", "bad", "boring"]``: one
          count per keyword, by a ``CountVectorizer`` whose vocabulary is
          the keywords (tokenised as :class:`KeywordCounter` tokenises them,
          so multi-word keywords count as n-grams).
        * A pair of keyword lists: ``KeywordCounter(positive=...,
          negative=...)``.
        * A path (str or path-like) to a lexicon in Hu & Liu's format (one
          word a line, ``;`` comments): a folder holding
          ``positive-words.txt`` and ``negative-words.txt`` gives
          ``KeywordCounter.from_lexicon(...)`` on the two files; a single
          word-list file gives one count per word, as a flat list does.
        * None: a ``CountVectorizer`` over the full vocabulary (the usual
          bag of words).
    scale : bool, 'passthrough' or transformer, default=True
        The ``"scale"`` step.  True: ``MaxAbsScaler()``, which divides each
        column by its largest absolute value and keeps sparse input sparse.
        A transformer is used as it is.  False, None or ``'passthrough'``:
        the step is ``'passthrough'`` (does nothing).
    **vectorizer_params
        Parameters of the ``"features"`` step: of :class:`KeywordCounter`
        (``summarize``, ``log_length``, ...) or, with ``keywords=None``, a
        flat list or a word-list file, of ``CountVectorizer`` (``binary``,
        ``lowercase``, ...).

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted; it takes raw text documents.

    Examples
    --------
    >>> from sklearn_sigmoid.features import make_sentiment_pipeline
    >>> docs = ["a great and wonderful film", "boring, a waste",
    ...         "brilliant acting, great fun", "the worst, so dull"] * 5
    >>> y = [1, 0, 1, 0] * 5
    >>> pipe = make_sentiment_pipeline()
    >>> [name for name, _ in pipe.steps]
    ['features', 'scale', 'model']
    >>> pipe.fit(docs, y).predict(["superb and great", "awful and boring"])
    array([1, 0])
    >>> flat = make_sentiment_pipeline(keywords=["great", "boring", "waste"])
    >>> flat.fit(docs, y)[:-1].get_feature_names_out()
    array(['great', 'boring', 'waste'], dtype=object)
    """
    if estimator is None:
        estimator = GDLogisticRegression()

    if keywords is None:
        features = CountVectorizer(**vectorizer_params)
    elif isinstance(keywords, str) and keywords == "default":
        features = KeywordCounter(**vectorizer_params)
    elif isinstance(keywords, (str, os.PathLike)):
        features = _lexicon_features(keywords, vectorizer_params)
    else:
        features = _listed_keyword_features(keywords, vectorizer_params)

    if scale is True:
        scaler = MaxAbsScaler()
    elif (
        scale is False
        or scale is None
        or (isinstance(scale, str) and scale == "passthrough")
    ):
        scaler = "passthrough"
    elif hasattr(scale, "fit") and hasattr(scale, "transform"):
        scaler = scale
    else:
        raise TypeError(
            "scale must be True, False, None, 'passthrough' or a transformer; "
            f"got {scale!r}."
        )
    return Pipeline([("features", features), ("scale", scaler), ("model", estimator)])


_KEYWORDS_FORMS = (
    "keywords must be 'default', a list of keywords, a pair (positive, "
    "negative) of keyword lists, a path to a lexicon file or folder, or None"
)
_LEXICON_FILES = ("positive-words.txt", "negative-words.txt")


def _keyword_count_vectorizer(keywords, vectorizer_params):
    """A ``CountVectorizer`` counting each of ``keywords`` (one column each)."""
    params = {
        "token_pattern": DEFAULT_TOKEN_PATTERN,
        "lowercase": True,
        "dtype": np.float64,
        **vectorizer_params,
    }
    for name in ("vocabulary", "ngram_range", "analyzer"):
        if name in params:
            raise TypeError(
                f"{name}= cannot be set with a list of keywords: the keywords "
                f"are the vocabulary."
            )
    preprocess, tokenize = _text_tools(params["lowercase"], params["token_pattern"])
    terms = _keyword_terms(
        keywords, "keywords", None, preprocess, tokenize, params["token_pattern"]
    )
    longest = max(len(term.split()) for term in terms)
    return CountVectorizer(vocabulary=terms, ngram_range=(1, longest), **params)


def _listed_keyword_features(keywords, vectorizer_params):
    """The features step for a flat keyword list or a (positive, negative) pair."""
    if (
        isinstance(keywords, Mapping)
        or not isinstance(keywords, Iterable)
        or (isinstance(keywords, bytes))
    ):
        raise ValueError(f"{_KEYWORDS_FORMS}; got {keywords!r}.")
    items = list(keywords)
    if items and all(isinstance(item, str) for item in items):
        return _keyword_count_vectorizer(items, vectorizer_params)
    if len(items) == 2 and not any(isinstance(item, (str, bytes)) for item in items):
        positive, negative = items
        return KeywordCounter(positive=positive, negative=negative, **vectorizer_params)
    if len(items) == 2:
        raise TypeError(
            "keywords mixes a keyword with a list: give a flat list of keywords "
            f"(['good', 'bad']) or a pair of lists ((['good'], ['bad'])); got "
            f"{keywords!r}."
        )
    if not items:
        raise ValueError("keywords is empty; give at least one keyword.")
    raise ValueError(f"{_KEYWORDS_FORMS}; got {keywords!r}.")


def _lexicon_features(path, vectorizer_params):
    """The features step for a Hu & Liu lexicon folder or word-list file."""
    path = os.fspath(path)
    if os.path.isdir(path):
        files = [os.path.join(path, name) for name in _LEXICON_FILES]
        missing = [
            name for name, f in zip(_LEXICON_FILES, files) if not os.path.isfile(f)
        ]
        if missing:
            raise FileNotFoundError(
                f"keywords={path!r} is a folder, but it holds no "
                f"{' and no '.join(missing)}: a Hu & Liu lexicon folder holds "
                f"{' and '.join(_LEXICON_FILES)}.  Point at one word-list file "
                f"to count its words."
            )
        return KeywordCounter.from_lexicon(*files, **vectorizer_params)
    if os.path.isfile(path):
        words = read_lexicon_file(path)
        if not words:
            raise ValueError(f"The lexicon file {path} holds no word.")
        preprocess, tokenize = _text_tools(
            vectorizer_params.get("lowercase", True),
            vectorizer_params.get("token_pattern", DEFAULT_TOKEN_PATTERN),
        )
        # As from_lexicon does: entries that are not whole tokens are dropped.
        countable = [w for w in words if _keyword_term(w, preprocess, tokenize)]
        return _keyword_count_vectorizer(countable, vectorizer_params)
    raise FileNotFoundError(
        f"keywords={path!r}: no such lexicon file or folder.  A string is read "
        f"as a path (or 'default'); to count one keyword, give a list: "
        f"keywords=[{path!r}]."
    )
