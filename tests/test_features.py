"""Tests of sklearn_sigmoid.features: keyword counts and the sentiment pipeline."""

import pickle
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError, SkipTestWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MaxAbsScaler, StandardScaler
from sklearn.utils import estimator_checks
from sklearn.utils._param_validation import InvalidParameterError

from conftest import REAL_DATA
from sklearn_sigmoid import GDLogisticRegression
from sklearn_sigmoid.features import (
    DEFAULT_NEGATIVE_KEYWORDS,
    DEFAULT_POSITIVE_KEYWORDS,
    DEFAULT_TOKEN_PATTERN,
    KeywordCounter,
    keyword_vocabulary,
    make_sentiment_pipeline,
)

POS = ["great", "excellent", "waste of nothing"]
NEG = ["bad", "waste", "waste of time"]
DOCS = [
    "A great film. Great, GREAT acting; excellent!",
    "Bad. So bad... a waste of time, a real waste.",
    "nothing to see here",
    "",
]


def _synthetic_reviews(n=60, seed=0):
    """Small separable text set: 3 keywords of the label's polarity, 1 other."""
    rng = np.random.default_rng(seed)
    filler = ["the", "film", "plot", "actor", "scene", "story", "was", "and", "a"]
    pos = ["great", "excellent", "wonderful", "best", "brilliant"]
    neg = ["bad", "worst", "boring", "awful", "waste"]
    docs, y = [], []
    for i in range(n):
        label = i % 2
        words = list(rng.choice(filler, size=12))
        words += list(rng.choice(pos if label else neg, size=3))
        words += list(rng.choice(neg if label else pos, size=1))
        rng.shuffle(words)
        docs.append(" ".join(words))
        y.append(label)
    return docs, np.array(y)


# -- default keywords -----------------------------------------------------------


@pytest.mark.parametrize(
    "words", [DEFAULT_POSITIVE_KEYWORDS, DEFAULT_NEGATIVE_KEYWORDS]
)
def test_default_keywords_are_well_formed(words):
    assert isinstance(words, tuple)
    assert 20 <= len(words) <= 40
    assert len(set(words)) == len(words)
    for w in words:
        assert isinstance(w, str)
        assert w == w.lower()
        assert re.fullmatch(DEFAULT_TOKEN_PATTERN, w)


def test_default_keywords_do_not_overlap():
    assert not set(DEFAULT_POSITIVE_KEYWORDS) & set(DEFAULT_NEGATIVE_KEYWORDS)


def test_defaults_used_when_none():
    kc = KeywordCounter().fit([])
    assert kc.positive_terms_ == DEFAULT_POSITIVE_KEYWORDS
    assert kc.negative_terms_ == DEFAULT_NEGATIVE_KEYWORDS
    assert kc.vectorizer_.ngram_range == (1, 1)


# -- counting -------------------------------------------------------------------


def test_per_keyword_counts_exact():
    kc = KeywordCounter(POS, NEG, summarize=False)
    Xt = kc.fit_transform(DOCS)
    assert sp.issparse(Xt) and Xt.format == "csr"
    assert Xt.dtype == np.float64
    expected = np.array(
        [
            # great excellent "waste of nothing" | bad waste "waste of time"
            [3, 1, 0, 0, 0, 0],
            [0, 0, 0, 2, 2, 1],
            [0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0],
        ],
        dtype=float,
    )
    assert_array_equal(Xt.toarray(), expected)
    assert kc.vectorizer_.ngram_range == (1, 3)
    assert_array_equal(
        kc.get_feature_names_out(),
        ["great", "excellent", "waste of nothing", "bad", "waste", "waste of time"],
    )


def test_summarized_counts_exact_and_dense():
    kc = KeywordCounter(POS, NEG)
    Xt = kc.fit_transform(DOCS)
    assert isinstance(Xt, np.ndarray) and Xt.dtype == np.float64
    assert_array_equal(Xt, [[4, 0], [0, 5], [0, 0], [0, 0]])
    assert_array_equal(kc.get_feature_names_out(), ["n_positive", "n_negative"])
    # the summary is the per-keyword matrix times the indicator matrix
    per_kw = KeywordCounter(POS, NEG, summarize=False).fit_transform(DOCS)
    assert_array_equal(Xt, (per_kw @ kc.indicator_).toarray())
    assert kc.indicator_.shape == (6, 2)


def test_summarized_equals_row_sums_on_default_keywords():
    docs, _ = _synthetic_reviews()
    per_kw = KeywordCounter(summarize=False).fit_transform(docs).toarray()
    summ = KeywordCounter().fit_transform(docs)
    n_pos = len(DEFAULT_POSITIVE_KEYWORDS)
    assert_array_equal(summ[:, 0], per_kw[:, :n_pos].sum(axis=1))
    assert_array_equal(summ[:, 1], per_kw[:, n_pos:].sum(axis=1))
    assert summ.sum() == 4 * len(docs)


def test_log_length():
    docs = ["Don't waste it.", "", "great great great great great great great"]
    n_tokens = np.array([3, 0, 7])
    kc = KeywordCounter(["great"], ["waste"], log_length=True)
    Xt = kc.fit_transform(docs)
    assert Xt.shape == (3, 3)
    assert_array_equal(Xt[:, :2], [[0, 1], [0, 0], [7, 0]])
    assert_allclose(Xt[:, 2], np.log1p(n_tokens))
    assert_array_equal(
        kc.get_feature_names_out(), ["n_positive", "n_negative", "log_length"]
    )

    kc = KeywordCounter(["great"], ["waste"], log_length=True, summarize=False)
    Xs = kc.fit_transform(docs)
    assert sp.issparse(Xs) and Xs.format == "csr" and Xs.dtype == np.float64
    assert_allclose(Xs.toarray(), Xt)
    assert_array_equal(kc.get_feature_names_out(), ["great", "waste", "log_length"])


def test_case_handling():
    docs = ["GREAT Great great", "Bad BAD"]
    Xt = KeywordCounter(["Great"], ["bad"]).fit_transform(docs)
    assert_array_equal(Xt, [[3, 0], [0, 2]])

    kc = KeywordCounter(["Great"], ["bad"], lowercase=False, summarize=False)
    assert_array_equal(kc.fit_transform(docs).toarray(), [[1, 0], [0, 0]])
    assert_array_equal(kc.get_feature_names_out(), ["Great", "bad"])


def test_multi_word_keywords():
    kc = KeywordCounter(["must  see"], ["waste of\ttime", "waste"], summarize=False)
    docs = [
        "a must see, a MUST-SEE, a must\nsee",
        "what a waste of time; waste, of time; a waste of my time",
    ]
    Xt = kc.fit_transform(docs).toarray()
    # "must-see" is one token, so it is not the bigram "must see"; punctuation
    # between tokens does not break an n-gram; overlapping keywords both count.
    assert_array_equal(Xt, [[2, 0, 0], [0, 2, 3]])
    assert_array_equal(
        kc.get_feature_names_out(), ["must see", "waste of time", "waste"]
    )
    assert kc.vectorizer_.ngram_range == (1, 3)


def test_hyphens_and_apostrophes_are_inside_tokens():
    kc = KeywordCounter(["well-known"], ["don't", "known"], summarize=False)
    Xt = kc.fit_transform(["well-known and well known", "don't , don ' t"])
    assert_array_equal(Xt.toarray(), [[1, 0, 1], [0, 1, 0]])


def test_custom_token_pattern():
    # CountVectorizer's default pattern: one-letter words are not tokens
    kc = KeywordCounter(
        ["great"], ["bad"], token_pattern=r"(?u)\b\w\w+\b", log_length=True
    )
    Xt = kc.fit_transform(["a great b film, bad"])
    assert_allclose(Xt, [[1, 1, np.log1p(3)]])
    with pytest.raises(ValueError, match="cannot be counted"):
        KeywordCounter(["a"], ["bad"], token_pattern=r"(?u)\b\w\w+\b").fit([])


def test_duplicate_keywords_counted_once_and_sets_sorted():
    kc = KeywordCounter(["great", "Great", "great"], {"worst", "bad"}, summarize=False)
    Xt = kc.fit_transform(["great bad worst"])
    assert kc.positive_terms_ == ("great",)
    assert kc.negative_terms_ == ("bad", "worst")
    assert_array_equal(Xt.toarray(), [[1, 1, 1]])


def test_fit_learns_nothing_from_documents():
    docs, _ = _synthetic_reviews()
    a = KeywordCounter(summarize=False).fit(docs[:5]).transform(docs)
    b = KeywordCounter(summarize=False).fit(["unrelated text"]).transform(docs)
    c = KeywordCounter(summarize=False).fit_transform(docs)
    assert_array_equal(a.toarray(), b.toarray())
    assert_array_equal(a.toarray(), c.toarray())


def test_accepts_other_iterables_of_str():
    pd = pytest.importorskip("pandas")
    expected = KeywordCounter(POS, NEG).fit_transform(DOCS)
    kc = KeywordCounter(POS, NEG).fit(DOCS)
    assert_array_equal(kc.transform(pd.Series(DOCS)), expected)
    assert_array_equal(kc.transform(np.array(DOCS)), expected)
    assert_array_equal(kc.transform(tuple(DOCS)), expected)
    assert_array_equal(kc.transform(iter(DOCS)), expected)


def test_set_output_pandas():
    pd = pytest.importorskip("pandas")
    kc = KeywordCounter(POS, NEG, log_length=True).set_output(transform="pandas")
    out = kc.fit_transform(DOCS)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["n_positive", "n_negative", "log_length"]
    assert_array_equal(
        out[["n_positive", "n_negative"]].to_numpy(), [[4, 0], [0, 5], [0, 0], [0, 0]]
    )


# -- keyword_vocabulary -----------------------------------------------------------


def test_keyword_vocabulary_matches_keyword_counter():
    vocab = keyword_vocabulary(POS, NEG)
    assert vocab == [
        "great",
        "excellent",
        "waste of nothing",
        "bad",
        "waste",
        "waste of time",
    ]
    assert keyword_vocabulary() == [
        *DEFAULT_POSITIVE_KEYWORDS,
        *DEFAULT_NEGATIVE_KEYWORDS,
    ]
    cv = CountVectorizer(
        vocabulary=vocab, token_pattern=DEFAULT_TOKEN_PATTERN, ngram_range=(1, 3)
    )
    expected = KeywordCounter(POS, NEG, summarize=False).fit_transform(DOCS)
    assert_array_equal(cv.fit_transform(DOCS).toarray(), expected.toarray())


def test_keyword_vocabulary_errors():
    with pytest.raises(ValueError, match="both"):
        keyword_vocabulary(["good"], ["Good"])
    with pytest.raises(ValueError, match="empty"):
        keyword_vocabulary([], ["bad"])
    with pytest.raises(TypeError, match="single string"):
        keyword_vocabulary("good", ["bad"])


# -- errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "positive, negative, match",
    [
        ([], None, "positive is empty"),
        (None, (), "negative is empty"),
        (["good", "nice"], ["bad", "NICE"], r"\['nice'\].*both"),
        (["a+"], None, r"'a\+' cannot be counted"),
        (["   "], None, "cannot be counted"),
    ],
)
def test_keyword_value_errors(positive, negative, match):
    kc = KeywordCounter(positive, negative)
    with pytest.raises(ValueError, match=match):
        kc.fit(DOCS)


def test_keyword_type_errors():
    with pytest.raises(TypeError, match="must be str"):
        KeywordCounter(["good", 3], None).fit(DOCS)
    # a single string is not a list of keywords (parameter validation)
    with pytest.raises(InvalidParameterError, match="positive"):
        KeywordCounter("good", None).fit(DOCS)


@pytest.mark.parametrize(
    "params",
    [
        {"summarize": "yes"},
        {"log_length": 1.5},
        {"lowercase": None},
        {"token_pattern": 3},
    ],
)
def test_invalid_parameters(params):
    with pytest.raises(InvalidParameterError):
        KeywordCounter(**params).fit(DOCS)


def test_invalid_regex():
    with pytest.raises(ValueError, match="not a valid regular expression"):
        KeywordCounter(token_pattern="(unclosed").fit(DOCS)


@pytest.mark.parametrize(
    "X, error, match",
    [
        ("a single string", ValueError, "string object received"),
        (np.zeros((3, 2)), ValueError, "1-D iterable"),
        (np.array([[1.0, 2.0]]), ValueError, "1-D iterable"),
        (np.arange(3.0), TypeError, "document 0"),
        (["fine", None], TypeError, "document 1 is None"),
        (["fine", b"bytes"], TypeError, "document 1"),
        (sp.csr_matrix(np.eye(2)), TypeError, "keyword_vocabulary"),
        (42, TypeError, "iterable"),
    ],
)
def test_document_errors(X, error, match):
    with pytest.raises(error, match=match):
        KeywordCounter().fit(X)
    fitted = KeywordCounter().fit(DOCS)
    with pytest.raises(error, match=match):
        fitted.transform(X)


def test_not_fitted():
    kc = KeywordCounter()
    with pytest.raises(NotFittedError):
        kc.transform(DOCS)
    with pytest.raises(NotFittedError):
        kc.get_feature_names_out()


# -- scikit-learn API contract -----------------------------------------------------


def test_tags():
    tags = KeywordCounter().__sklearn_tags__()
    assert tags.input_tags.string is True
    assert tags.input_tags.two_d_array is False
    assert tags.requires_fit is True
    assert tags.transformer_tags is not None


def test_check_estimator_skips_text_transformer():
    # scikit-learn's checks feed numeric arrays, so it skips an estimator whose
    # input is text; the data-free API checks are run one by one below.
    with pytest.warns(SkipTestWarning, match="Can't test estimator KeywordCounter"):
        results = estimator_checks.check_estimator(KeywordCounter(), on_fail=None)
    assert {r["check_name"] for r in results} <= {"check_estimator_cloneable"}


@pytest.mark.parametrize(
    "check_name",
    [
        "check_estimator_cloneable",
        "check_estimator_tags_renamed",
        "check_valid_tag_types",
        "check_estimator_repr",
        "check_no_attributes_set_in_init",
        "check_do_not_raise_errors_in_init_or_set_params",
        "check_mixin_order",
        "check_parameters_default_constructible",
        "check_get_params_invariance",
        "check_set_params",
    ],
)
def test_data_free_api_checks(check_name):
    check = getattr(estimator_checks, check_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkipTestWarning)
        check("KeywordCounter", KeywordCounter())


def test_fit_returns_self_and_keeps_params():
    kc = KeywordCounter(POS, NEG, log_length=True)
    before = {
        k: (list(v) if isinstance(v, list) else v) for k, v in kc.get_params().items()
    }
    assert kc.fit(DOCS) is kc
    assert kc.get_params() == before
    assert kc.positive is POS and kc.negative is NEG


def test_clone_and_pickle():
    kc = KeywordCounter(POS, NEG, summarize=False, log_length=True).fit(DOCS)
    cl = clone(kc)
    assert cl.get_params() == kc.get_params()
    assert not hasattr(cl, "vectorizer_")
    restored = pickle.loads(pickle.dumps(kc))
    assert_array_equal(restored.transform(DOCS).toarray(), kc.transform(DOCS).toarray())
    assert_array_equal(restored.get_feature_names_out(), kc.get_feature_names_out())


# -- from_lexicon --------------------------------------------------------------------


def test_from_lexicon_small_files(tmp_path):
    header = ";;;;;;\n; Opinion Lexicon: Positive\n;\n\n"
    (tmp_path / "pos.txt").write_text(
        header + "a+\ngreat\nnaïve\nwell-known\nenvious\ngreat\n", encoding="utf-8"
    )
    (tmp_path / "neg.txt").write_text(
        header + "bad\nf**k\nenvious\n\nanti-\nill-conceived\n", encoding="utf-8"
    )
    kc = KeywordCounter.from_lexicon(
        tmp_path / "pos.txt", str(tmp_path / "neg.txt"), summarize=False
    )
    assert kc.positive == ("great", "naïve", "well-known")
    assert kc.negative == ("bad", "ill-conceived")
    assert kc.summarize is False
    Xt = kc.fit_transform(
        ["Naïve, well-known and GREAT", "an ill-conceived bad envious film"]
    )
    assert_array_equal(Xt.toarray(), [[1, 1, 1, 0, 0], [0, 0, 0, 1, 1]])


# -- make_sentiment_pipeline -----------------------------------------------------------


def test_pipeline_steps_default():
    pipe = make_sentiment_pipeline()
    assert isinstance(pipe, Pipeline)
    assert [name for name, _ in pipe.steps] == ["features", "scale", "model"]
    assert isinstance(pipe.named_steps["features"], KeywordCounter)
    assert pipe.named_steps["features"].get_params() == KeywordCounter().get_params()
    assert isinstance(pipe.named_steps["scale"], MaxAbsScaler)
    assert isinstance(pipe.named_steps["model"], GDLogisticRegression)


def test_pipeline_keyword_options():
    pipe = make_sentiment_pipeline(keywords=(["good"], ["bad"]), log_length=True)
    feats = pipe.named_steps["features"]
    assert feats.positive == ["good"] and feats.negative == ["bad"]
    assert feats.log_length is True

    pipe = make_sentiment_pipeline(keywords=None, min_df=2, binary=True)
    feats = pipe.named_steps["features"]
    assert isinstance(feats, CountVectorizer)
    assert feats.min_df == 2 and feats.binary is True

    pipe = make_sentiment_pipeline(summarize=False)
    assert pipe.named_steps["features"].summarize is False


@pytest.mark.parametrize("scale", [False, None, "passthrough"])
def test_pipeline_without_scaling(scale):
    pipe = make_sentiment_pipeline(scale=scale)
    assert [name for name, _ in pipe.steps] == ["features", "scale", "model"]
    assert pipe.named_steps["scale"] == "passthrough"
    docs, y = _synthetic_reviews()
    assert pipe.fit(docs, y).score(docs, y) == 1.0


def test_pipeline_custom_scaler_and_estimator():
    scaler = StandardScaler()
    model = GDLogisticRegression(alpha=0.01)
    pipe = make_sentiment_pipeline(model, scale=scaler)
    assert pipe.named_steps["scale"] is scaler
    assert pipe.named_steps["model"] is model


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"keywords": "lexicon"}, FileNotFoundError, r"keywords=\['lexicon'\]"),
        ({"keywords": (["a"], ["b"], ["c"])}, ValueError, "keywords must be"),
        ({"keywords": 3}, ValueError, "keywords must be"),
        ({"keywords": {"good": 1}}, ValueError, "keywords must be"),
        ({"keywords": []}, ValueError, "keywords is empty"),
        ({"keywords": ("good", ["bad"])}, TypeError, "mixes a keyword with a list"),
        ({"keywords": ["good", 3]}, TypeError, "mixes a keyword|must be str"),
        ({"keywords": ["a+"]}, ValueError, "cannot be counted"),
        ({"keywords": ["good"], "vocabulary": ["x"]}, TypeError, "vocabulary="),
        ({"scale": "yes"}, TypeError, "scale must be"),
        ({"scale": 1.0}, TypeError, "scale must be"),
    ],
)
def test_pipeline_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_sentiment_pipeline(**kwargs)


def test_pipeline_fit_predict_and_coefficients_synthetic():
    docs, y = _synthetic_reviews()
    pipe = make_sentiment_pipeline().fit(docs, y)
    assert pipe.score(docs, y) == 1.0
    coef = pipe.named_steps["model"].coef_.ravel()
    assert coef[0] > 0 > coef[1]
    assert_array_equal(pipe[:-1].get_feature_names_out(), ["n_positive", "n_negative"])
    proba = pipe.predict_proba(["a brilliant and wonderful story", "boring and awful"])
    assert proba[0, 1] > 0.5 > proba[1, 1]


def test_pipeline_full_vocabulary_synthetic():
    docs, y = _synthetic_reviews()
    pipe = make_sentiment_pipeline(keywords=None).fit(docs, y)
    assert sp.issparse(pipe[:-1].transform(docs))
    assert pipe.score(docs, y) == 1.0


def test_keyword_counter_in_make_pipeline_and_cross_val_score():
    docs, y = _synthetic_reviews()
    pipe = make_pipeline(
        KeywordCounter(summarize=False), MaxAbsScaler(), GDLogisticRegression()
    )
    scores = cross_val_score(pipe, docs, y, cv=3)
    assert scores.shape == (3,)
    assert scores.mean() > 0.9


def test_grid_search_over_learning_rate():
    docs, y = _synthetic_reviews()
    pipe = make_sentiment_pipeline(GDLogisticRegression(max_iter=100, tol=None))
    search = GridSearchCV(
        pipe,
        param_grid={
            "model__learning_rate": [0.1, 1.0],
            "features__log_length": [False, True],
        },
        cv=3,
    )
    search.fit(docs, y)
    assert search.best_params_["model__learning_rate"] in (0.1, 1.0)
    assert search.best_score_ > 0.9
    assert search.predict(["great and excellent"])[0] == 1
    pickle.loads(pickle.dumps(search)).predict(docs[:3])


# -- the real corpus ---------------------------------------------------------


@pytest.fixture(scope="module")
def movie_reviews(real_movie_reviews):
    docs, y = real_movie_reviews
    assert len(docs) == 2000 and y.sum() == 1000
    return docs, np.asarray(y)


def test_real_corpus_cross_validated_accuracy(movie_reviews):
    docs, y = movie_reviews
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores = cross_val_score(make_sentiment_pipeline(), docs, y, cv=cv)
    assert scores.mean() > 0.6
    assert scores.min() > 0.55


def test_real_corpus_coefficient_signs(movie_reviews):
    docs, y = movie_reviews
    pipe = make_sentiment_pipeline().fit(docs, y)
    coef = pipe.named_steps["model"].coef_.ravel()
    assert coef[0] > 0 > coef[1]

    pipe = make_sentiment_pipeline(summarize=False).fit(docs, y)
    coef = pipe.named_steps["model"].coef_.ravel()
    n_pos = len(DEFAULT_POSITIVE_KEYWORDS)
    assert coef[:n_pos].mean() > 0
    assert coef[n_pos:].mean() < 0


def test_real_lexicon():
    root = REAL_DATA / "opinion_lexicon"
    if not (root / "positive-words.txt").is_file():
        pytest.skip(f"opinion lexicon not found under {root}")
    kc = KeywordCounter.from_lexicon(
        root / "positive-words.txt", root / "negative-words.txt"
    )
    # 2006 and 4783 entries; dropped: 'a+' / six non-token entries, and the
    # three words on both lists ('envious', 'enviously', 'enviousness')
    assert len(kc.positive) == 2006 - 1 - 3
    assert len(kc.negative) == 4783 - 6 - 3
    assert "naïve" in kc.negative and "well-known" in kc.positive
    assert_array_equal(
        kc.fit_transform(["a well-known , naïve and envious film"]), [[1, 1]]
    )


# -- keywords as a flat list or a lexicon path -----------------------------------


def test_pipeline_flat_keyword_list_counts_each_keyword():
    docs = ["Good, good fun but BORING", "a waste of time", "boring; a waste of time!"]
    pipe = make_sentiment_pipeline(
        keywords=["good", "bad", "boring", "waste of time", "Good"]
    )
    feats = pipe.named_steps["features"]
    counts = feats.fit_transform(docs)
    assert_array_equal(
        feats.get_feature_names_out(), ["good", "bad", "boring", "waste of time"]
    )
    assert_array_equal(counts.toarray(), [[2, 0, 1, 0], [0, 0, 0, 1], [0, 0, 1, 1]])
    # The same counts as KeywordCounter's per-keyword columns.
    counter = KeywordCounter(
        positive=["good", "bad"], negative=["boring", "waste of time"], summarize=False
    )
    assert_array_equal(counter.fit_transform(docs).toarray(), counts.toarray())
    # Two plain strings are two keywords, not a (positive, negative) pair.
    two = make_sentiment_pipeline(keywords=("good", "bad")).named_steps["features"]
    assert list(two.fit(docs).get_feature_names_out()) == ["good", "bad"]
    # CountVectorizer parameters pass through.
    binary = make_sentiment_pipeline(keywords=["good"], binary=True)
    assert binary[:-1].fit_transform(docs).toarray()[0, 0] == 1.0
    docs, y = _synthetic_reviews()
    flat = list(DEFAULT_POSITIVE_KEYWORDS) + list(DEFAULT_NEGATIVE_KEYWORDS)
    pipe = make_sentiment_pipeline(keywords=flat).fit(docs, y)
    assert pipe.score(docs, y) == 1.0
    assert len(pipe[:-1].get_feature_names_out()) == len(flat)


def _write_lexicon(folder, positive, negative):
    folder.mkdir()
    (folder / "positive-words.txt").write_text(
        ";; Hu & Liu style header\n;\n\n" + "\n".join(positive) + "\n"
    )
    (folder / "negative-words.txt").write_text(
        ";; negative words\n" + "\n".join(negative) + "\n"
    )
    return folder


def test_pipeline_lexicon_folder_and_file(tmp_path):
    from pathlib import Path

    folder = _write_lexicon(
        tmp_path / "lexicon", ["great", "superb", "a+"], ["awful", "waste of time"]
    )
    docs = ["A great, superb film", "an awful waste of time", "great but awful"]
    for path in (folder, str(folder)):
        feats = make_sentiment_pipeline(keywords=path).named_steps["features"]
        assert isinstance(feats, KeywordCounter)
        assert feats.positive == ("great", "superb")  # "a+" is not a whole token
        assert_array_equal(feats.fit_transform(docs), [[2, 0], [0, 2], [1, 1]])
    per_word = make_sentiment_pipeline(keywords=folder, summarize=False)
    assert per_word[:-1].fit_transform(docs).shape == (3, 4)

    # One word-list file: one count per word, comments and blanks skipped.
    single = make_sentiment_pipeline(keywords=Path(folder) / "negative-words.txt")
    feats = single.named_steps["features"]
    assert isinstance(feats, CountVectorizer)
    assert_array_equal(
        feats.fit(docs).get_feature_names_out(), ["awful", "waste of time"]
    )
    assert_array_equal(feats.transform(docs).toarray(), [[0, 0], [1, 1], [1, 0]])

    (folder / "negative-words.txt").unlink()
    with pytest.raises(FileNotFoundError, match=r"negative-words\.txt"):
        make_sentiment_pipeline(keywords=folder)
    with pytest.raises(FileNotFoundError, match="no such lexicon"):
        make_sentiment_pipeline(keywords=tmp_path / "nowhere.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text(";; nothing\n")
    with pytest.raises(ValueError, match="holds no word"):
        make_sentiment_pipeline(keywords=empty)


def test_pipeline_real_lexicon_folder_matches_from_lexicon():
    from conftest import REAL_DATA

    folder = REAL_DATA / "opinion_lexicon"
    if not (folder / "positive-words.txt").is_file():
        pytest.skip(f"opinion lexicon not found under {REAL_DATA}")
    feats = make_sentiment_pipeline(keywords=folder).named_steps["features"]
    reference = KeywordCounter.from_lexicon(
        folder / "positive-words.txt", folder / "negative-words.txt"
    )
    assert feats.get_params() == reference.get_params()
    assert len(feats.positive) > 1900 and len(feats.negative) > 4700
