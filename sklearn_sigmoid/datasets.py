# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Loaders for movie-review sentiment corpora and an opinion lexicon.

* :func:`load_movie_reviews` -- Pang & Lee's polarity dataset v2.0 (2000
  reviews) or the Large Movie Review Dataset of Maas et al. (IMDb, 50,000
  reviews), as a :class:`~sklearn.utils.Bunch` in the style of
  :func:`sklearn.datasets.load_files`.
* :func:`iter_movie_reviews` -- the same corpora streamed lazily in chunks of
  ``(texts, labels)``, for out-of-core learning with ``partial_fit``;
  :func:`list_movie_reviews` lists their files and labels without reading.
* :func:`load_opinion_lexicon` -- Hu & Liu's positive and negative opinion
  words.
* :func:`read_lexicon_file` -- parse one Hu & Liu word-list file.
* :func:`get_data_home` -- the folder downloads go to.

Where the data is looked for
----------------------------
Each loader tries, in this order, the ``data_home`` argument, the folder named
by the environment variable ``SKLEARN_SIGMOID_DATA`` and the default folder
``~/sklearn_sigmoid_data``; under each of these roots it tries every standard
on-disk layout of the corpus (the original archive unpacked, NLTK's corpus
folder, NLTK's zip read in place, ...; see each loader).  The first match
wins.  When nothing matches, the :class:`FileNotFoundError` lists every place
looked at and how to get the data.

Download
--------
Only the polarity corpus can be downloaded (``download_if_missing=True``):
NLTK's published ``movie_reviews.zip`` (:data:`MOVIE_REVIEWS_URL`) is fetched
into a temporary folder inside the data home (:func:`get_data_home`), its
SHA-256 is checked against :data:`MOVIE_REVIEWS_SHA256`, it is unpacked there
and the unpacked ``movie_reviews`` folder is renamed into place in one step,
giving ``<data_home>/movie_reviews/{pos,neg}/*.txt``.  The zip itself is not
kept.  A failed download or a checksum mismatch raises :class:`OSError` and
leaves nothing behind in the data home.

A download is bounded: it fails when no byte arrives for
``_DOWNLOAD_TIMEOUT`` seconds, when the whole transfer takes longer than
``_DOWNLOAD_DEADLINE`` seconds, and as soon as more bytes arrive (or are
announced) than the archive's known size (:data:`MOVIE_REVIEWS_SIZE`) plus a
small margin.  Processes downloading into the same data home at the same time
take turns on a lock file there (``fcntl`` locks, where available); the ones
that wait find the corpus installed and do not download it again.  Without
such locks, an install that finds the corpus already put in place by another
process counts as a success.  The temporary folders of downloads killed
mid-way (``.movie_reviews-download-*``) are removed by the next download.

Reading
-------
Only regular files are read, and only inside the corpus folder: a ``*.txt``
that is a symbolic link leading outside it, a broken or looping link, or a
link to something other than a regular file is skipped with a
:class:`UserWarning` naming it.  A zip archive that cannot be opened is
skipped (with a warning) and the search goes on.  A zip member larger than
``_MAX_MEMBER_SIZE`` bytes is refused before it is inflated.  Texts are
decoded as UTF-16 or UTF-32 when they start with that encoding's byte-order
mark, else as UTF-8 (a leading BOM dropped), else as Latin-1.
"""

import codecs
import hashlib
import http.client
import numbers
import os
import shutil
import socket
import stat
import sys
import tempfile
import threading
import time
import urllib.request
import warnings
import zipfile
import zlib
from contextlib import contextmanager, suppress

import numpy as np
from sklearn.utils import Bunch, check_random_state

try:  # POSIX advisory locks; elsewhere downloads run without a lock.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = [
    "DATA_HOME_ENV",
    "MOVIE_REVIEWS_SHA256",
    "MOVIE_REVIEWS_SIZE",
    "MOVIE_REVIEWS_URL",
    "get_data_home",
    "iter_movie_reviews",
    "list_movie_reviews",
    "load_movie_reviews",
    "load_opinion_lexicon",
    "read_lexicon_file",
]

#: Environment variable naming a folder to look for the data in.
DATA_HOME_ENV = "SKLEARN_SIGMOID_DATA"

#: NLTK's published copy of the polarity dataset v2.0.
MOVIE_REVIEWS_URL = (
    "https://raw.githubusercontent.com/nltk/nltk_data/gh-pages/packages/"
    "corpora/movie_reviews.zip"
)

#: SHA-256 of the archive at :data:`MOVIE_REVIEWS_URL`.
MOVIE_REVIEWS_SHA256 = (
    "a41211ae685019137410268134db6a1a14428c89b671eb83056151a878539008"
)

#: Size in bytes of the archive at :data:`MOVIE_REVIEWS_URL`.
MOVIE_REVIEWS_SIZE = 4_004_848

_DEFAULT_DATA_HOME = os.path.join("~", "sklearn_sigmoid_data")
_DOWNLOAD_TIMEOUT = 60  # seconds without progress before a download fails
_DOWNLOAD_DEADLINE = 600  # seconds a whole download may take
_DOWNLOAD_SIZE_MARGIN = 1 << 20  # bytes accepted beyond MOVIE_REVIEWS_SIZE
_MAX_MEMBER_SIZE = 64 << 20  # largest zip member inflated (a review is < 20 kB)
_CHUNK_SIZE = 1 << 16
_LOCK_POLL = 0.05  # seconds between two tries to take the download lock
_STAGING_PREFIX = ".movie_reviews-download-"
_LOCK_NAME = ".movie_reviews-download.lock"

_TARGET_NAMES = ["neg", "pos"]
_SUBSETS = {"polarity": ("all",), "imdb": ("train", "test", "all")}
_DATASET_TITLES = {
    "polarity": "Pang & Lee movie review polarity dataset (dataset='polarity')",
    "imdb": "Large Movie Review Dataset (dataset='imdb')",
}

# Layouts, relative to a root ("." is the root itself); names ending in
# ".zip" are NLTK archives read in place, the others are folders that must
# hold the listed entries.
_POLARITY_LAYOUTS = (
    "txt_sentoken",
    "review_polarity/txt_sentoken",
    "movie_reviews",
    "corpora/movie_reviews",
    ".",
    "movie_reviews.zip",
    "corpora/movie_reviews.zip",
    "archives/movie_reviews.zip",
)
_IMDB_LAYOUTS = ("aclImdb", ".")
_LEXICON_LAYOUTS = (
    "opinion_lexicon",
    "corpora/opinion_lexicon",
    ".",
    "opinion_lexicon.zip",
    "corpora/opinion_lexicon.zip",
    "archives/opinion_lexicon.zip",
)
_LEXICON_FILES = ("positive-words.txt", "negative-words.txt")

_CORNELL_PAGE = "http://www.cs.cornell.edu/people/pabo/movie-review-data/"
_STANFORD_PAGE = "https://ai.stanford.edu/~amaas/data/sentiment/"
_LIU_PAGE = "http://www.cs.uic.edu/~liub/FBS/sentiment-analysis.html#datasets"

_POLARITY_DESCR = """\
Movie review polarity dataset v2.0 (Pang & Lee, 2004)
=====================================================

2000 full-length English movie reviews (1000 positive, 1000 negative) from
the IMDb archive of the rec.arts.movies.reviews newsgroup, labelled from each
author's explicit rating.  The text is lowercased and tokenised (punctuation
split off by spaces), one sentence a line.  The file name prefix cvNNN is the
authors' cross-validation tag: their 10 folds are cv000-cv099, cv100-cv199,
..., cv900-cv999, each with 100 positive and 100 negative reviews.

Loaded: {n_docs} documents ({n_neg} neg, {n_pos} pos); target 0 = neg, 1 = pos.
From: {source}

Original page: {page}
NLTK corpus: movie_reviews (licence CC BY 4.0, per NLTK's metadata).

Citation: Bo Pang and Lillian Lee. "A Sentimental Education: Sentiment
Analysis Using Subjectivity Summarization Based on Minimum Cuts".
Proceedings of the ACL, 2004.
"""

_IMDB_DESCR = """\
Large Movie Review Dataset v1.0 (Maas et al., 2011)
===================================================

50,000 English IMDb movie reviews, split into 25,000 for training and 25,000
for testing, each half balanced (12,500 positive, 12,500 negative).  A review
is negative if its rating is at most 4 out of 10 and positive if at least 7;
file names are <id>_<rating>.txt.  There are at most 30 reviews per movie and
the train and test sets hold disjoint movies.  The unlabelled reviews
(train/unsup) are not loaded.

Loaded: subset={subset!r}, {n_docs} documents ({n_neg} neg, {n_pos} pos);
target 0 = neg, 1 = pos.
From: {source}

Original page: {page}

Citation: Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang,
Andrew Y. Ng and Christopher Potts. "Learning Word Vectors for Sentiment
Analysis". Proceedings of the 49th Annual Meeting of the Association for
Computational Linguistics (ACL 2011), pages 142-150, Portland, Oregon, 2011.
"""

_LEXICON_DESCR = """\
Opinion lexicon (Hu & Liu, 2004)
================================

English positive and negative opinion (sentiment) words, compiled by Bing
Liu's group since 2004.  Some misspellings are listed on purpose, as they are
frequent in social media.

Loaded: {n_pos} positive and {n_neg} negative words.
From: {source}

Original page: {page}
Licence: CC BY 4.0 (Opinion Lexicon by Bing Liu).

Citation: Minqing Hu and Bing Liu. "Mining and Summarizing Customer
Reviews". Proceedings of the ACM SIGKDD International Conference on Knowledge
Discovery and Data Mining (KDD-2004), Seattle, 2004.
"""


# -- public API -----------------------------------------------------------------


def get_data_home(data_home=None):
    """The folder where downloaded data is stored.

    It is ``data_home`` if given, else the folder named by the environment
    variable ``SKLEARN_SIGMOID_DATA`` if set and non-empty, else
    ``~/sklearn_sigmoid_data``.  The folder is not created.

    Parameters
    ----------
    data_home : str or path-like, default=None
        An explicit folder.  ``~`` is expanded.

    Returns
    -------
    data_home : str
        The folder's path.

    Examples
    --------
    >>> from sklearn_sigmoid.datasets import get_data_home
    >>> get_data_home("/srv/data")
    '/srv/data'
    """
    return _search_roots(data_home)[0][0]


def read_lexicon_file(path_or_lines):
    """Words of one Hu & Liu opinion-lexicon file, in file order.

    One word a line; lines starting with ``';'`` are comments and blank lines
    are skipped; surrounding whitespace is stripped.  A file is read as
    UTF-16 or UTF-32 if it starts with that encoding's byte-order mark, else
    as UTF-8, or as Latin-1 if it is not valid UTF-8.

    Parameters
    ----------
    path_or_lines : str, path-like or iterable of str
        A file path, or the file's lines (e.g. an open text file).  A single
        ``str`` is a path.

    Returns
    -------
    words : list of str
        The words.

    Examples
    --------
    >>> from sklearn_sigmoid.datasets import read_lexicon_file
    >>> read_lexicon_file(["; positive words", "", "good", " great "])
    ['good', 'great']
    """
    if isinstance(path_or_lines, (str, os.PathLike)):
        with open(path_or_lines, "rb") as f:
            path_or_lines = _decode(f.read()).splitlines()
    words = (line.strip() for line in path_or_lines)
    return [word for word in words if word and not word.startswith(";")]


def load_movie_reviews(
    data_home=None,
    *,
    dataset="polarity",
    subset="all",
    return_X_y=False,
    download_if_missing=False,
    shuffle=False,
    random_state=None,
):
    """Load a movie-review sentiment corpus (raw text, binary labels).

    Parameters
    ----------
    data_home : str or path-like, default=None
        First folder to look in (then ``$SKLEARN_SIGMOID_DATA``, then
        ``~/sklearn_sigmoid_data``), and where a download goes when given.
        Under each folder these layouts are tried:

        - ``dataset="polarity"``: ``txt_sentoken/{pos,neg}/`` (the Cornell
          archive unpacked), ``review_polarity/txt_sentoken/``,
          ``movie_reviews/{pos,neg}/`` (NLTK), ``corpora/movie_reviews/``
          (an ``nltk_data`` folder), the folder itself holding ``pos/`` and
          ``neg/``, and NLTK's archive read in place:
          ``movie_reviews.zip``, ``corpora/movie_reviews.zip`` or
          ``archives/movie_reviews.zip``.
        - ``dataset="imdb"``: ``aclImdb/{train,test}/{pos,neg}/``, or the
          folder itself holding ``train/`` and ``test/``.

    dataset : {"polarity", "imdb"}, default="polarity"
        ``"polarity"``: Pang & Lee's polarity dataset v2.0 (1000 positive and
        1000 negative reviews).  ``"imdb"``: the Large Movie Review Dataset
        of Maas et al. (2011), 25,000 train and 25,000 test reviews, which
        must be obtained by hand.
    subset : {"all", "train", "test"}, default="all"
        Part of the IMDb dataset to load.  The polarity dataset has no split:
        only ``"all"`` is accepted.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    download_if_missing : bool, default=False
        If the polarity corpus is found nowhere, download NLTK's copy
        (:data:`MOVIE_REVIEWS_URL`, SHA-256 checked) into
        :func:`get_data_home` as ``movie_reviews/{pos,neg}/``.  Not available
        for IMDb.
    shuffle : bool, default=False
        Shuffle the documents.  Otherwise they are sorted by class (neg,
        then pos), then for IMDb by subset (train, then test), then by file
        name.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With attributes:

        data : list of str
            The reviews.  Files are read as UTF-16 or UTF-32 when they start
            with that encoding's byte-order mark, else as UTF-8, or as
            Latin-1 when they are not valid UTF-8.  Only regular files inside
            the corpus folder are read: ``*.txt`` links leading outside it,
            broken or looping links are skipped with a :class:`UserWarning`.
        target : ndarray of shape (n_documents,), dtype int
            0 for a negative review, 1 for a positive one.
        target_names : list of str
            ``["neg", "pos"]``.
        filenames : ndarray of str
            The files' paths; ``".../movie_reviews.zip/movie_reviews/pos/x.txt"``
            for a member of a zip archive.
        DESCR : str
            Description of the corpus: origin, citation, counts.

    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    ValueError
        If ``dataset`` or ``subset`` is not valid, if the copy found holds
        no ``*.txt`` file for a class, or if a zip member is larger than
        any file of the corpus (refused before it is inflated).
    FileNotFoundError
        If the corpus is found nowhere and not downloaded; the message lists
        every place looked at and how to obtain the data.
    zipfile.BadZipFile
        If a member of the zip archive read is corrupted; the message names
        the archive and the member.
    OSError
        If the download fails, is interrupted, takes longer than its deadline,
        exceeds the archive's known size or gives a wrong checksum (nothing is
        then left in the data home), if ``<data_home>/movie_reviews`` exists
        without being a corpus (:class:`FileExistsError`), or if ``data_home``
        is not a folder (:class:`NotADirectoryError`).

    Examples
    --------
    >>> from sklearn_sigmoid.datasets import load_movie_reviews
    >>> reviews = load_movie_reviews(download_if_missing=True)
    >>> len(reviews.data), int(reviews.target.sum())
    (2000, 1000)
    """
    location, groups = _find_movie_reviews(
        data_home, dataset, subset, download_if_missing
    )
    data, target, filenames = _read_documents(location, groups, "movie_reviews/")
    if shuffle:
        order = check_random_state(random_state).permutation(len(data))
        data = [data[i] for i in order]
        target, filenames = target[order], filenames[order]
    if return_X_y:
        return data, target

    n_pos = int(target.sum())
    template = _POLARITY_DESCR if dataset == "polarity" else _IMDB_DESCR
    descr = template.format(
        subset=subset,
        n_docs=len(data),
        n_neg=len(data) - n_pos,
        n_pos=n_pos,
        source=location,
        page=_CORNELL_PAGE if dataset == "polarity" else _STANFORD_PAGE,
    )
    return Bunch(
        data=data,
        target=target,
        target_names=list(_TARGET_NAMES),
        filenames=filenames,
        DESCR=descr,
    )


def list_movie_reviews(
    data_home=None, *, dataset="polarity", subset="all", download_if_missing=False
):
    """List the files of a movie-review corpus and their labels, reading none.

    The listing is in the unshuffled order of :func:`load_movie_reviews`, so
    ``indices`` into it select the files that :func:`iter_movie_reviews`
    streams -- e.g. to hold out a test split chosen before any text is read.

    Parameters
    ----------
    data_home : str or path-like, default=None
        First folder to look in; see :func:`load_movie_reviews`.
    dataset : {"polarity", "imdb"}, default="polarity"
        Which corpus; see :func:`load_movie_reviews`.
    subset : {"all", "train", "test"}, default="all"
        Part of the IMDb dataset; only ``"all"`` for the polarity dataset.
    download_if_missing : bool, default=False
        Download the polarity corpus if it is found nowhere; see
        :func:`load_movie_reviews`.

    Returns
    -------
    listing : :class:`~sklearn.utils.Bunch`
        With attributes ``filenames`` (ndarray of str), ``target`` (ndarray
        of int, 0 = neg, 1 = pos) and ``target_names`` (``["neg", "pos"]``),
        aligned with ``load_movie_reviews(..., shuffle=False)``.

    Raises
    ------
    ValueError, FileNotFoundError, OSError
        As :func:`load_movie_reviews`.

    See Also
    --------
    iter_movie_reviews : Stream the reviews in chunks.

    Examples
    --------
    >>> from sklearn_sigmoid.datasets import list_movie_reviews
    >>> listing = list_movie_reviews()
    >>> listing.filenames.shape, int(listing.target.sum())
    ((2000,), 1000)
    """
    location, groups = _find_movie_reviews(
        data_home, dataset, subset, download_if_missing
    )
    _, target, filenames = _list_documents(location, groups, "movie_reviews/")
    return Bunch(filenames=filenames, target=target, target_names=list(_TARGET_NAMES))


def iter_movie_reviews(
    data_home=None,
    *,
    dataset="polarity",
    subset="all",
    chunk_size=200,
    indices=None,
    shuffle=True,
    random_state=None,
    download_if_missing=False,
):
    """Stream a movie-review corpus in chunks of ``(texts, labels)``.

    The files are found and listed once, when this function is called (so a
    bad argument or a missing corpus raises at once); they are read lazily,
    one chunk at a time, while the returned iterator is consumed.  Only the
    current chunk's texts are held, so memory does not grow with the corpus:
    feed each chunk to a stateless featurizer (such as
    :class:`~sklearn.feature_extraction.text.HashingVectorizer`) and to an
    estimator's ``partial_fit``.

    Parameters
    ----------
    data_home : str or path-like, default=None
        First folder to look in; see :func:`load_movie_reviews` for the
        search order and the on-disk layouts understood (folders or NLTK's
        zip archive read in place).
    dataset : {"polarity", "imdb"}, default="polarity"
        Which corpus; see :func:`load_movie_reviews`.
    subset : {"all", "train", "test"}, default="all"
        Part of the IMDb dataset; only ``"all"`` for the polarity dataset.
    chunk_size : int, default=200
        Largest number of reviews per chunk (>= 1).  Every chunk but the
        last holds exactly ``chunk_size`` reviews.
    indices : array-like of int or None, default=None
        Positions, in the listing of :func:`list_movie_reviews` (the unshuffled
        order of :func:`load_movie_reviews`), of the files to stream; each
        position gives one review.  ``None`` streams every file.  Use it to
        stream a training split and keep the rest out.
    shuffle : bool, default=True
        Stream the files in a random order (the unshuffled order is sorted by
        class, which mini-batch gradient descent should not see).  Otherwise
        they come in the order of ``indices`` (default: the listing order).
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle.  A new order per pass over the data needs a new
        seed (or one shared ``RandomState``) per call.
    download_if_missing : bool, default=False
        Download the polarity corpus if it is found nowhere; see
        :func:`load_movie_reviews`.

    Returns
    -------
    chunks : iterator of (list of str, ndarray of shape (n_chunk,))
        The chunks: the reviews' texts (decoded like :func:`load_movie_reviews`
        does) and their labels (int, 0 = neg, 1 = pos).  Together they hold
        each selected file once.

    Raises
    ------
    ValueError
        If ``chunk_size`` is not a positive integer, if ``indices`` is not a
        1-D array of integer positions within the listing, or for the reasons
        :func:`load_movie_reviews` gives.
    FileNotFoundError, OSError
        As :func:`load_movie_reviews`.

    See Also
    --------
    load_movie_reviews : Load the whole corpus at once.
    list_movie_reviews : The listing ``indices`` refers to.

    Examples
    --------
    Train on the stream, one ``partial_fit`` per chunk::

        from sklearn.feature_extraction.text import HashingVectorizer
        from sklearn_sigmoid import GDLogisticRegression
        from sklearn_sigmoid.datasets import iter_movie_reviews

        vectorizer = HashingVectorizer(alternate_sign=False)
        clf = GDLogisticRegression(batch_size=64)
        for texts, labels in iter_movie_reviews(chunk_size=200, random_state=0):
            clf.partial_fit(vectorizer.transform(texts), labels, classes=[0, 1])
    """
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, numbers.Integral)
        or chunk_size < 1
    ):
        raise ValueError(
            f"chunk_size must be a positive integer (the number of reviews per "
            f"chunk); got {chunk_size!r}."
        )
    location, groups = _find_movie_reviews(
        data_home, dataset, subset, download_if_missing
    )
    members, target, _ = _list_documents(location, groups, "movie_reviews/")
    if indices is None:
        order = np.arange(len(members))
    else:
        order = _check_indices(indices, len(members))
    if shuffle:
        order = order[check_random_state(random_state).permutation(len(order))]
    return _stream_chunks(location, members, target, order, int(chunk_size))


def _check_indices(indices, n_files):
    """``indices`` as a 1-D integer array within ``[0, n_files)``, or ValueError."""
    array = np.asarray(indices)
    if array.ndim != 1 or not (
        array.dtype.kind in "iu" or (array.size == 0 and array.dtype.kind == "f")
    ):
        hint = (
            "  For a boolean mask, pass np.flatnonzero(mask)."
            if array.dtype.kind == "b"
            else ""
        )
        raise ValueError(
            f"indices must be a 1-D array of integer file positions; got an "
            f"array of shape {array.shape} and dtype {array.dtype}.{hint}"
        )
    array = array.astype(np.intp)
    out_of_range = (array < 0) | (array >= n_files)
    if out_of_range.any():
        raise ValueError(
            f"indices must lie in [0, {n_files}) (the corpus found has "
            f"{n_files} files); got {array[out_of_range][0]}."
        )
    return array


def _stream_chunks(location, members, target, order, chunk_size):
    """Yield ``(texts, labels)`` for ``order`` in chunks, reading as it goes."""
    for start in range(0, len(order), chunk_size):
        rows = order[start : start + chunk_size]
        texts = list(_iter_texts(location, [members[i] for i in rows]))
        yield texts, target[rows]


def load_opinion_lexicon(data_home=None):
    """Load Hu & Liu's opinion lexicon (positive and negative words).

    Parameters
    ----------
    data_home : str or path-like, default=None
        First folder to look in (then ``$SKLEARN_SIGMOID_DATA``, then
        ``~/sklearn_sigmoid_data``).  Under each folder these layouts are
        tried: ``opinion_lexicon/`` (NLTK) or ``corpora/opinion_lexicon/``
        holding ``positive-words.txt`` and ``negative-words.txt``, the folder
        itself holding them, and NLTK's archive read in place:
        ``opinion_lexicon.zip``, ``corpora/opinion_lexicon.zip`` or
        ``archives/opinion_lexicon.zip``.

    Returns
    -------
    lexicon : :class:`~sklearn.utils.Bunch`
        With attributes:

        positive : list of str
            Positive words, in file order (2006 in the published lexicon).
        negative : list of str
            Negative words, in file order (4783 in the published lexicon).
        DESCR : str
            Description of the lexicon: origin, citation, counts.

    Raises
    ------
    FileNotFoundError
        If the lexicon is found nowhere; the message lists every place looked
        at and how to obtain it.
    ValueError
        If the ``opinion_lexicon.zip`` found lacks one of the word files.

    See Also
    --------
    read_lexicon_file : Parse one word-list file.

    Examples
    --------
    >>> from sklearn_sigmoid.datasets import load_opinion_lexicon
    >>> lexicon = load_opinion_lexicon()
    >>> len(lexicon.positive), len(lexicon.negative)
    (2006, 4783)
    """
    roots = _search_roots(data_home)
    location, ignored = _locate(roots, _LEXICON_LAYOUTS, _LEXICON_FILES)
    if location is None:
        raise FileNotFoundError(
            _not_found_message(
                "Hu & Liu opinion lexicon",
                roots,
                _LEXICON_LAYOUTS,
                _LEXICON_FILES,
                _how_to_get("lexicon", roots[0][0]),
                ignored,
            )
        )
    _warn_ignored(ignored)
    if location.endswith(".zip"):
        with _open_zip(location) as archive:
            wanted = [f"opinion_lexicon/{name}" for name in _LEXICON_FILES]
            present = set(archive.namelist())
            missing = [name for name in wanted if name not in present]
            if missing:
                raise ValueError(
                    f"{location} holds no {' and no '.join(missing)}: the copy "
                    f"there looks incomplete (NLTK's opinion_lexicon.zip holds "
                    f"{' and '.join(wanted)}).  Replace it, or remove it to use "
                    f"a copy elsewhere."
                )
            positive, negative = (
                read_lexicon_file(
                    _decode(_read_member(archive, location, name)).splitlines()
                )
                for name in wanted
            )
    else:
        positive, negative = (
            read_lexicon_file(os.path.join(location, name)) for name in _LEXICON_FILES
        )
    descr = _LEXICON_DESCR.format(
        n_pos=len(positive), n_neg=len(negative), source=location, page=_LIU_PAGE
    )
    return Bunch(positive=positive, negative=negative, DESCR=descr)


# -- finding the data -------------------------------------------------------------


def _find_movie_reviews(data_home, dataset, subset, download_if_missing):
    """Check the arguments and find (or download) the corpus.

    Returns ``(location, groups)``: the folder or zip archive found, and
    ``[(class folder relative to it, label), ...]`` in reading order.
    """
    if dataset not in tuple(_SUBSETS):
        raise ValueError(f"dataset must be 'polarity' or 'imdb'; got {dataset!r}.")
    if subset not in _SUBSETS[dataset]:
        if dataset == "polarity":
            raise ValueError(
                f"The polarity dataset has no train/test split, so subset must "
                f"be 'all'; got {subset!r}.  Split it with "
                f"sklearn.model_selection instead."
            )
        raise ValueError(f"subset must be 'train', 'test' or 'all'; got {subset!r}.")

    roots = _search_roots(data_home)
    if dataset == "polarity":
        groups = [("neg", 0), ("pos", 1)]
        layouts = _POLARITY_LAYOUTS
    else:
        splits = ("train", "test") if subset == "all" else (subset,)
        groups = [
            (f"{split}/{name}", label)
            for name, label in [("neg", 0), ("pos", 1)]
            for split in splits
        ]
        layouts = _IMDB_LAYOUTS
    required = [folder for folder, _ in groups]

    location, ignored = _locate(roots, layouts, required)
    if location is None and not (download_if_missing and dataset == "polarity"):
        raise FileNotFoundError(
            _not_found_message(
                _DATASET_TITLES[dataset],
                roots,
                layouts,
                required,
                _how_to_get(dataset, roots[0][0]),
                ignored,
            )
        )
    _warn_ignored(ignored)
    if location is None:
        location = _download_movie_reviews(roots[0][0])
    return location, groups


def _search_roots(data_home):
    """``[(root, origin), ...]``: the folders to search, in order, deduplicated."""
    candidates = [
        (data_home, "data_home argument"),
        (os.environ.get(DATA_HOME_ENV) or None, f"${DATA_HOME_ENV}"),
        (_DEFAULT_DATA_HOME, "default data home"),
    ]
    roots, seen = [], set()
    for path, origin in candidates:
        if path is None:
            continue
        path = os.path.expanduser(os.fspath(path))
        key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            roots.append((path, origin))
    return roots


def _locate(roots, layouts, required):
    """The first layout present under the roots, and the zip files passed over.

    Returns ``(location, ignored)``: the path found or None, and the paths of
    the ``.zip`` layouts that exist but cannot be opened as zip archives
    (an HTML error page, a truncated download, ...): they are passed over, so
    they neither hide a good copy further on nor block a download.  A
    ``.zip`` layout is present if it is a readable zip archive; a folder
    layout if it holds every entry of ``required`` (relative paths).
    """
    ignored = []
    for root, _ in roots:
        for layout in layouts:
            path = os.path.normpath(os.path.join(root, layout))
            if layout.endswith(".zip"):
                if os.path.isfile(path):
                    if zipfile.is_zipfile(path):
                        return path, ignored
                    ignored.append(path)
            elif all(os.path.exists(os.path.join(path, r)) for r in required):
                return path, ignored
    return None, ignored


def _ignored_lines(ignored):
    return [
        f"  {path}: not a readable zip archive (corrupt, truncated or not a zip "
        f"file at all); remove or replace it."
        for path in ignored
    ]


def _warn_ignored(ignored):
    """Warn that the unreadable zip files ``ignored`` were passed over."""
    if ignored:
        _warn(
            "\n".join(["Ignored while looking for the data:", *_ignored_lines(ignored)])
        )


def _warn(message):
    """A UserWarning, attributed to the first caller outside this module."""
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, UserWarning, stacklevel=level)


def _not_found_message(title, roots, layouts, required, how_to, ignored=()):
    """Error message listing every root and layout tried, and how to get the data."""
    entries = "{" + ",".join(required) + "}"
    lines = [f"{title} not found.  Looked in:"]
    for root, origin in roots:
        note = (
            "  -- a file, not a folder"
            if os.path.exists(root) and not os.path.isdir(root)
            else ""
        )
        lines.append(f"  {root}  ({origin}){note}:")
        for layout in layouts:
            path = os.path.normpath(os.path.join(root, layout))
            lines.append(
                f"    {path}"
                if layout.endswith(".zip")
                else f"    {os.path.join(path, entries)}"
            )
    if ignored:
        lines += ["Ignored:", *_ignored_lines(ignored)]
    env = os.environ.get(DATA_HOME_ENV)
    lines += [
        "To get it:",
        *how_to,
        f"Pass data_home=... or set the {DATA_HOME_ENV} environment variable "
        f"(now {'unset' if not env else repr(env)}) to look in another folder.",
    ]
    return "\n".join(lines)


def _how_to_get(dataset, data_home):
    """Lines of advice on obtaining ``dataset`` (polarity, imdb or lexicon)."""
    if dataset == "polarity":
        return [
            f"  * download review_polarity.tar.gz from {_CORNELL_PAGE} and "
            "unpack it into one of the folders above (it makes txt_sentoken/);",
            "  * or get NLTK's movie_reviews corpus: "
            "python -m nltk.downloader -d <folder> movie_reviews;",
            "  * or call load_movie_reviews(..., download_if_missing=True) to "
            f"download NLTK's copy (SHA-256 checked) into {data_home}.",
        ]
    if dataset == "imdb":
        return [
            f"  * download aclImdb_v1.tar.gz by hand from {_STANFORD_PAGE} and "
            "unpack it into one of the folders above (it makes aclImdb/).  It "
            "cannot be downloaded automatically: download_if_missing only "
            "applies to dataset='polarity'.",
        ]
    return [
        "  * get NLTK's opinion_lexicon corpus: "
        "python -m nltk.downloader -d <folder> opinion_lexicon;",
        f"  * or download opinion-lexicon-English.rar from {_LIU_PAGE} and put "
        "positive-words.txt and negative-words.txt in <folder>/opinion_lexicon/.",
    ]


# -- reading ---------------------------------------------------------------------

# Byte-order marks that name an encoding; UTF-32's come first, as UTF-32-LE's
# starts with UTF-16-LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(raw):
    """Text of a file's bytes.

    UTF-16 or UTF-32 if the bytes start with that encoding's byte-order mark
    (and decode), else UTF-8 (a leading BOM dropped), else Latin-1.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _is_document(name):
    """Whether a name relative to a class folder is a review: ``*.txt``, not hidden."""
    return "/" not in name and name.endswith(".txt") and not name.startswith(".")


def _open_zip(path):
    """``zipfile.ZipFile(path)``, with the path in the error if it is not a zip."""
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise zipfile.BadZipFile(f"{path} is not a valid zip archive: {exc}") from exc


def _read_member(archive, location, name):
    """The bytes of member ``name`` of the open zip ``archive`` (at ``location``).

    A member declaring more than ``_MAX_MEMBER_SIZE`` bytes is refused before
    anything is inflated, and no more than that is ever inflated, whatever
    its header says.  A corrupted member raises :class:`zipfile.BadZipFile`
    naming the archive and the member.
    """
    info = archive.getinfo(name)
    if info.file_size > _MAX_MEMBER_SIZE:
        raise ValueError(
            f"Refused to read {name} from {location}: it would inflate to "
            f"{info.file_size} bytes, more than the {_MAX_MEMBER_SIZE} allowed "
            f"for one file of a corpus.  The archive is not a copy of the "
            f"corpus; replace it."
        )
    try:
        with archive.open(info) as member:
            raw = member.read(_MAX_MEMBER_SIZE + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise zipfile.BadZipFile(
            f"Cannot read {name} from {location}: the member is corrupted "
            f"({type(exc).__name__}: {exc}).  Replace the archive."
        ) from exc
    if len(raw) > _MAX_MEMBER_SIZE:
        raise ValueError(
            f"Refused to read {name} from {location}: it inflates to more than "
            f"the {_MAX_MEMBER_SIZE} bytes allowed for one file of a corpus "
            f"(its header claims {info.file_size}).  The archive is not a copy "
            f"of the corpus; replace it."
        )
    return raw


def _inside(path, root):
    """Whether the resolved ``path`` lies inside the resolved folder ``root``."""
    return os.path.commonpath([path, root]) == root


def _list_folder(folder, root, skipped):
    """``[(name, path to read), ...]`` of the reviews in ``folder``, by name.

    Only regular files inside the resolved corpus folder ``root`` are
    listed; a ``*.txt`` link is listed by its resolved target if that is a
    regular file inside ``root``, and otherwise appended to ``skipped`` as
    ``(path, reason)``.
    """
    folder_inside = _inside(os.path.realpath(folder), root)
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not _is_document(entry.name):
                continue
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                try:
                    regular = stat.S_ISREG(os.stat(real).st_mode)
                except OSError as exc:
                    skipped.append((entry.path, f"a broken or looping link ({exc})"))
                    continue
                if not _inside(real, root):
                    skipped.append((entry.path, f"a link to {real}, outside {root}"))
                elif not regular:
                    skipped.append((entry.path, f"a link to {real}, not a file"))
                else:
                    found.append((entry.name, real))
            elif entry.is_file(follow_symlinks=False):
                if folder_inside:
                    found.append((entry.name, entry.path))
                else:
                    skipped.append((entry.path, f"outside {root}"))
    return sorted(found)


def _warn_skipped(location, skipped):
    if skipped:
        shown = [f"  {path}: {reason}" for path, reason in skipped[:10]]
        if len(skipped) > 10:
            shown.append(f"  ... and {len(skipped) - 10} more")
        _warn(
            "\n".join(
                [
                    f"Skipped {len(skipped)} file(s) of {location} that are not "
                    f"regular files inside the corpus folder:",
                    *shown,
                ]
            )
        )


def _list_documents(location, groups, zip_prefix):
    """Where the documents of ``[(folder, label), ...]`` at ``location`` are.

    ``location`` is a folder, or a zip archive whose members are under
    ``zip_prefix``.  Within a group, files are sorted by name.  Nothing is
    read.  Returns ``(members, target, filenames)``: what :func:`_iter_texts`
    reads (zip member names, or file paths: a link's resolved target), the
    labels, and the files' paths as shown to users.  In a folder, files that
    are not regular files inside it are skipped with a warning (see
    :func:`_list_folder`).
    """
    if location.endswith(".zip"):
        with _open_zip(location) as archive:
            names = sorted(archive.namelist())
        prefixes = [f"{zip_prefix}{folder}/" for folder, _ in groups]
        members = [
            [n for n in names if n.startswith(p) and _is_document(n[len(p) :])]
            for p in prefixes
        ]
        paths = [[f"{location}/{name}" for name in group] for group in members]
    else:
        root = os.path.realpath(location)
        paths, members, skipped = [], [], []
        for folder, _ in groups:
            folder = os.path.join(location, folder)
            found = _list_folder(folder, root, skipped)
            paths.append([os.path.join(folder, name) for name, _ in found])
            members.append([read for _, read in found])
        _warn_skipped(location, skipped)

    for (folder, _), group in zip(groups, paths, strict=True):
        if not group:
            raise ValueError(
                f"No review files (*.txt) in {folder}/ of {location}: the copy "
                f"there looks incomplete."
            )
    target = np.repeat([label for _, label in groups], [len(group) for group in paths])
    filenames = np.array([path for group in paths for path in group])
    return [m for group in members for m in group], target, filenames


# Opening flags for a review file: never follow a final link (the listing
# resolved links already) and never block (on a FIFO put in place meanwhile).
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)


def _read_regular_file(path):
    """The bytes of ``path``, which must (still) be a regular file."""
    with open(os.open(path, _OPEN_FLAGS), "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(f"{path} is no longer a regular file; not read.")
        return f.read()


def _iter_texts(location, members):
    """The decoded texts of ``members`` (see :func:`_list_documents`), lazily.

    One file is read per item asked for; a zip archive stays open until the
    iterator is exhausted or closed.
    """
    if location.endswith(".zip"):
        with _open_zip(location) as archive:
            for name in members:
                yield _decode(_read_member(archive, location, name))
    else:
        for path in members:
            yield _decode(_read_regular_file(path))


def _read_documents(location, groups, zip_prefix):
    """Documents, labels and file names of ``[(folder, label), ...]`` at ``location``.

    See :func:`_list_documents`; every document is read.
    """
    members, target, filenames = _list_documents(location, groups, zip_prefix)
    return list(_iter_texts(location, members)), target, filenames


# -- download --------------------------------------------------------------------


def _is_corpus(folder):
    return all(os.path.isdir(os.path.join(folder, name)) for name in _TARGET_NAMES)


def _download_movie_reviews(data_home):
    """Download, verify and install the polarity corpus; its folder's path.

    Works in a temporary folder inside ``data_home`` and renames the verified,
    unpacked ``movie_reviews`` folder into place, so nothing is left in
    ``data_home`` (not even ``data_home`` itself, if it was created) when any
    step fails.  Concurrent downloads into one ``data_home`` take turns (see
    :func:`_download_lock`); whoever comes second finds the corpus installed.
    """
    target = os.path.join(data_home, "movie_reviews")
    if os.path.exists(data_home) and not os.path.isdir(data_home):
        raise NotADirectoryError(
            f"Cannot download the movie review corpus into {data_home}: it is a "
            f"file, not a folder.  Pass data_home=... a folder (it is created "
            f"if missing)."
        )
    created = not os.path.isdir(data_home)
    try:
        with _download_lock(data_home) as locked:
            if _is_corpus(target):  # installed meanwhile by another process
                return target
            if os.path.lexists(target):
                raise FileExistsError(
                    f"Cannot download the movie review corpus: {target} exists "
                    f"but does not hold pos/ and neg/ folders.  Remove or rename "
                    f"it and retry."
                )
            _remove_stale_staging(data_home, locked)
            staging = tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=data_home)
            try:
                archive = os.path.join(staging, "movie_reviews.zip")
                url = MOVIE_REVIEWS_URL
                digest, size = _fetch(url, archive, MOVIE_REVIEWS_SIZE)
                if digest != MOVIE_REVIEWS_SHA256:
                    raise OSError(
                        f"Checksum mismatch for {url}: expected SHA-256 "
                        f"{MOVIE_REVIEWS_SHA256}, got {digest} ({size} bytes "
                        f"received, {MOVIE_REVIEWS_SIZE} expected).  The file may "
                        f"be corrupted or changed upstream; it was discarded."
                    )
                with zipfile.ZipFile(archive) as zf:
                    zf.extractall(staging)
                _install(os.path.join(staging, "movie_reviews"), target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    finally:
        if created and not os.path.exists(target):
            with suppress(OSError):
                os.rmdir(data_home)
    return target


def _install(unpacked, target):
    """Rename ``unpacked`` to ``target``; a corpus already there is a success."""
    try:
        os.replace(unpacked, target)
    except OSError:
        if not _is_corpus(target):  # not installed by a concurrent download
            raise


def _make_data_home(data_home):
    try:
        os.makedirs(data_home, exist_ok=True)
    except OSError as exc:  # same errno, so the same OSError subclass
        raise OSError(
            exc.errno,
            f"Cannot create the data home {data_home} to download into: {exc.strerror}",
        ) from exc


@contextmanager
def _download_lock(data_home):
    """Hold the download lock of ``data_home`` (created if missing).

    An exclusive ``fcntl.flock`` on ``<data_home>/.movie_reviews-download.lock``,
    removed on release.  Yields whether the lock is held: False where file
    locks are not available (no ``fcntl``, or a file system without locks),
    and the download then runs unlocked.  Gives up with :class:`TimeoutError`
    after twice the download deadline.
    """
    _make_data_home(data_home)
    if fcntl is None:
        yield False
        return
    path = os.path.join(data_home, _LOCK_NAME)
    give_up = time.monotonic() + 2 * _DOWNLOAD_DEADLINE
    while True:
        _make_data_home(data_home)  # a failed download may have removed it
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:
            if time.monotonic() > give_up:
                raise
            continue
        try:
            locked = _wait_for_lock(fd, give_up, data_home)
            # The previous holder removes the file on release: only a lock on
            # the file now at ``path`` counts.
            current = locked and _is_same_file(fd, path)
        except BaseException:
            os.close(fd)
            raise
        if current or not locked:
            break
        os.close(fd)
    try:
        yield locked
    finally:
        with suppress(OSError):
            os.unlink(path)
        os.close(fd)


def _wait_for_lock(fd, give_up, data_home):
    """Lock ``fd`` exclusively, polling until ``give_up``; False if no locks."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > give_up:
                raise TimeoutError(
                    f"Another process has been downloading the movie review "
                    f"corpus into {data_home} for too long (it holds "
                    f"{os.path.join(data_home, _LOCK_NAME)}); gave up waiting."
                ) from None
            time.sleep(_LOCK_POLL)
        except OSError:  # a file system without locks
            return False


def _is_same_file(fd, path):
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _remove_stale_staging(data_home, locked):
    """Remove the temporary folders of downloads that died in ``data_home``.

    With the lock held no other download is running there, so every
    ``.movie_reviews-download-*`` folder is stale; without it, only those
    older than twice the download deadline are (a live download never is).
    """
    cutoff = time.time() - 2 * _DOWNLOAD_DEADLINE
    with os.scandir(data_home) as entries:
        stale = [
            entry.path
            for entry in entries
            if entry.name.startswith(_STAGING_PREFIX)
            and entry.is_dir(follow_symlinks=False)
            and (locked or entry.stat(follow_symlinks=False).st_mtime < cutoff)
        ]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


class _Deadline:
    """Shuts the sockets of a download down when its deadline passes.

    A blocked read then returns at once, whatever the server does (a server
    trickling one byte a second never trips the per-read timeout).  Used as
    a context manager around the download; :meth:`opener` gives a URL opener
    whose connections it watches.  It keeps its own duplicates of the
    sockets, closed on exit, so it can never shut down an unrelated one.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.expired = False
        self._sockets = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc_info):
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets = []

    def _expire(self):
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def watch(self, sock):
        with self._lock:
            watched = sock.dup()
            self._sockets.append(watched)
            if self.expired:
                with suppress(OSError):
                    watched.shutdown(socket.SHUT_RDWR)

    def opener(self):
        """A :class:`urllib.request.OpenerDirector` watched by this deadline."""
        deadline = self

        def watched(connection_class):
            class Watched(connection_class):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    create = self._create_connection

                    def create_watched(*args, **kwargs):
                        sock = create(*args, **kwargs)
                        deadline.watch(sock)
                        return sock

                    self._create_connection = create_watched

            return Watched

        class HTTPHandler(urllib.request.HTTPHandler):
            def do_open(self, http_class, req, **kwargs):
                return super().do_open(watched(http_class), req, **kwargs)

        handlers = [HTTPHandler]
        if hasattr(urllib.request, "HTTPSHandler"):

            class HTTPSHandler(urllib.request.HTTPSHandler):
                def do_open(self, http_class, req, **kwargs):
                    return super().do_open(watched(http_class), req, **kwargs)

            handlers.append(HTTPSHandler)
        return urllib.request.build_opener(*handlers)


class _DownloadRefused(OSError):
    """More bytes than expected were announced or sent."""


def _deadline_error(what, deadline, received):
    return TimeoutError(
        f"Could not download {what}: the download did not finish within "
        f"{deadline.seconds} s ({received} bytes received).  Nothing was kept; "
        f"retry, or get the data by hand."
    )


def _content_length(response):
    """The announced body size of ``response``, or None."""
    try:
        length = int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None
    return length if length >= 0 else None


def _fetch(url, path, expected_size):
    """Download ``url`` to ``path``; ``(SHA-256 hex digest, size)`` of the content.

    Fails (:class:`OSError`) when the server announces or sends more than
    ``expected_size`` plus ``_DOWNLOAD_SIZE_MARGIN`` bytes, when the
    transfer takes longer than ``_DOWNLOAD_DEADLINE`` seconds or stalls for
    ``_DOWNLOAD_TIMEOUT``, and when the body stops short of its announced
    size or the connection breaks mid-way (said to be interrupted).
    """
    cap = expected_size + _DOWNLOAD_SIZE_MARGIN
    sha256 = hashlib.sha256()
    received, announced, started = 0, None, False
    deadline = _Deadline(_DOWNLOAD_DEADLINE)
    what = f"the movie review corpus from {url}"
    too_large = (
        f"more than the {expected_size} expected (plus a margin of "
        f"{_DOWNLOAD_SIZE_MARGIN}).  Nothing was kept."
    )
    try:
        with (
            deadline,
            deadline.opener().open(url, timeout=_DOWNLOAD_TIMEOUT) as response,
            open(path, "wb") as f,
        ):
            started = True
            announced = _content_length(response)
            if announced is not None and announced > cap:
                raise _DownloadRefused(
                    f"Refused to download {what}: the server announces "
                    f"{announced} bytes, {too_large}"
                )
            while chunk := response.read1(_CHUNK_SIZE):
                received += len(chunk)
                if received > cap:
                    raise _DownloadRefused(
                        f"Stopped downloading {what} after {received} bytes: "
                        f"{too_large}"
                    )
                sha256.update(chunk)
                f.write(chunk)
    except _DownloadRefused:
        raise
    except (OSError, http.client.HTTPException) as exc:
        if deadline.expired:
            raise _deadline_error(what, deadline, received) from exc
        if started:
            of = f" of {announced}" if announced is not None else ""
            raise OSError(
                f"Could not download {what}: the download was interrupted after "
                f"{received}{of} bytes ({type(exc).__name__}: {exc}).  Nothing "
                f"was kept; retry."
            ) from exc
        raise OSError(f"Could not download {what}: {exc}") from exc
    if deadline.expired and received != announced:  # cut off by the deadline
        raise _deadline_error(what, deadline, received)
    if announced is not None and received < announced:
        raise OSError(
            f"Could not download {what}: the download was incomplete, the "
            f"connection closed after {received} of the {announced} bytes "
            f"announced.  Nothing was kept; retry."
        )
    return sha256.hexdigest(), received
