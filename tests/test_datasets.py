"""Tests of sklearn_sigmoid.datasets (loaders, data-home search, download)."""

import codecs
import hashlib
import http.server
import io
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from conftest import REAL_DATA
from sklearn_sigmoid import datasets
from sklearn_sigmoid.datasets import (
    DATA_HOME_ENV,
    MOVIE_REVIEWS_SHA256,
    get_data_home,
    iter_movie_reviews,
    list_movie_reviews,
    load_movie_reviews,
    load_opinion_lexicon,
    read_lexicon_file,
)

REAL_ARCHIVE = REAL_DATA / "archives" / "movie_reviews.zip"

# Tiny corpus: class -> {file name: text}; sorted order is neg first.
REVIEWS = {
    "neg": {"cv001_b.txt": "awful film .\n", "cv000_a.txt": "dull and boring .\n"},
    "pos": {
        "cv002_c.txt": "a great film .\n",
        "cv000_d.txt": "superb !\n",
        "cv001_e.txt": "loved it .\n",
    },
}
# Relative paths of the tiny corpus's files, in the loader's order.
SORTED_NAMES = [
    "neg/cv000_a.txt",
    "neg/cv001_b.txt",
    "pos/cv000_d.txt",
    "pos/cv001_e.txt",
    "pos/cv002_c.txt",
]
SORTED_TEXTS = [
    "dull and boring .\n",
    "awful film .\n",
    "superb !\n",
    "loved it .\n",
    "a great film .\n",
]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No $SKLEARN_SIGMOID_DATA and an empty home: only the tests' trees are found."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.delenv(DATA_HOME_ENV, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    return home


def write_class_folders(folder, reviews=REVIEWS):
    for label, files in reviews.items():
        (folder / label).mkdir(parents=True)
        for name, text in files.items():
            (folder / label / name).write_text(text, encoding="utf-8")
    return folder


def write_zip(path, prefix, files):
    """A zip at ``path`` holding ``{relative name: str or bytes}`` under ``prefix``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in files.items():
            zf.writestr(prefix + name, content)
    return path


def tiny_movie_reviews_zip(path):
    files = {"README": "not a review\n"}
    files.update(
        {
            f"{label}/{name}": text
            for label, group in REVIEWS.items()
            for name, text in group.items()
        }
    )
    return write_zip(path, "movie_reviews/", files)


def listing(folder):
    """Every path under ``folder``, relative, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


# -- polarity layouts -------------------------------------------------------------


@pytest.mark.parametrize(
    "layout",
    [
        "txt_sentoken",
        "review_polarity/txt_sentoken",
        "movie_reviews",
        "corpora/movie_reviews",
        ".",
    ],
)
def test_polarity_folder_layouts(tmp_path, layout):
    root = tmp_path / "data"
    folder = write_class_folders(root / layout)
    (folder / "README").write_text("not a review\n")
    (folder / "neg" / "notes.md").write_text("not a review\n")
    (folder / "pos" / "._cv000_d.txt").write_bytes(b"\x00\x05")  # macOS resource fork

    bunch = load_movie_reviews(root)

    assert bunch.data == SORTED_TEXTS
    np.testing.assert_array_equal(bunch.target, [0, 0, 1, 1, 1])
    assert bunch.target.dtype.kind == "i"
    assert bunch.target_names == ["neg", "pos"]
    assert [Path(f).resolve() for f in bunch.filenames] == [
        folder.resolve() / name for name in SORTED_NAMES
    ]
    assert isinstance(bunch.filenames, np.ndarray)
    assert "Pang" in bunch.DESCR and "5 documents (2 neg, 3 pos)" in bunch.DESCR


@pytest.mark.parametrize(
    "archive",
    ["movie_reviews.zip", "corpora/movie_reviews.zip", "archives/movie_reviews.zip"],
)
def test_polarity_zip_layouts(tmp_path, archive):
    root = tmp_path / "data"
    zip_path = tiny_movie_reviews_zip(root / archive)
    before = listing(root)

    bunch = load_movie_reviews(root)

    assert bunch.data == SORTED_TEXTS
    np.testing.assert_array_equal(bunch.target, [0, 0, 1, 1, 1])
    assert list(bunch.filenames) == [
        f"{zip_path}/movie_reviews/{name}" for name in SORTED_NAMES
    ]
    assert f"From: {zip_path}" in bunch.DESCR
    assert listing(root) == before  # read in place, nothing unpacked


def test_folder_layout_preferred_over_zip(tmp_path):
    root = tmp_path / "data"
    write_class_folders(root / "movie_reviews")
    write_zip(
        root / "movie_reviews.zip",
        "movie_reviews/",
        {"neg/x.txt": "z", "pos/y.txt": "z"},
    )
    assert load_movie_reviews(root).data == SORTED_TEXTS


def test_return_X_y(tmp_path):
    root = write_class_folders(tmp_path / "movie_reviews").parent
    data, target = load_movie_reviews(root, return_X_y=True)
    bunch = load_movie_reviews(root)
    assert data == bunch.data
    np.testing.assert_array_equal(target, bunch.target)


def test_shuffle_is_reproducible(tmp_path):
    root = write_class_folders(tmp_path / "movie_reviews").parent
    first = load_movie_reviews(root, shuffle=True, random_state=0)
    second = load_movie_reviews(root, shuffle=True, random_state=0)
    assert first.data == second.data
    np.testing.assert_array_equal(first.target, second.target)
    np.testing.assert_array_equal(first.filenames, second.filenames)
    # Documents, labels and file names stay aligned.
    ordered = load_movie_reviews(root)
    pairs = set(zip(ordered.filenames, ordered.data, ordered.target, strict=True))
    assert set(zip(first.filenames, first.data, first.target, strict=True)) == pairs
    orders = {
        tuple(load_movie_reviews(root, shuffle=True, random_state=seed).data)
        for seed in range(10)
    }
    assert len(orders) > 1


def test_latin1_fallback_and_bom(tmp_path):
    root = tmp_path / "data"
    (root / "neg").mkdir(parents=True)
    (root / "pos").mkdir()
    (root / "neg" / "a.txt").write_bytes("caf\xe9 na\xefve".encode("latin-1"))
    (root / "pos" / "b.txt").write_bytes("\ufeffcafé naïve".encode("utf-8"))
    assert load_movie_reviews(root).data == ["café naïve", "café naïve"]


def test_incomplete_copy_is_reported(tmp_path):
    root = tmp_path / "data"
    write_class_folders(root / "movie_reviews", {"neg": {"a.txt": "x"}, "pos": {}})
    with pytest.raises(ValueError, match=r"No review files \(\*\.txt\) in pos/"):
        load_movie_reviews(root)


# -- imdb ----------------------------------------------------------------------


def write_imdb(folder):
    for split in ("train", "test"):
        for label, rating in (("neg", 2), ("pos", 9)):
            (folder / split / label).mkdir(parents=True)
            for i in range(2 if split == "train" else 1):
                (folder / split / label / f"{i}_{rating}.txt").write_text(
                    f"{split} {label} {i}", encoding="utf-8"
                )
    (folder / "train" / "unsup").mkdir()
    (folder / "train" / "unsup" / "0_0.txt").write_text("unlabelled")
    (folder / "train" / "urls_pos.txt").write_text("http://example.invalid/")
    return folder


@pytest.mark.parametrize("inside", [True, False], ids=["aclImdb", "root-is-aclImdb"])
@pytest.mark.parametrize(
    "subset, expected",
    [
        ("train", ["train neg 0", "train neg 1", "train pos 0", "train pos 1"]),
        ("test", ["test neg 0", "test pos 0"]),
        (
            "all",
            [
                "train neg 0",
                "train neg 1",
                "test neg 0",
                "train pos 0",
                "train pos 1",
                "test pos 0",
            ],
        ),
    ],
)
def test_imdb_subsets(tmp_path, inside, subset, expected):
    root = tmp_path / "data"
    write_imdb(root / "aclImdb" if inside else root)

    bunch = load_movie_reviews(root, dataset="imdb", subset=subset)

    assert bunch.data == expected
    np.testing.assert_array_equal(
        bunch.target, [text.split()[1] == "pos" for text in expected]
    )
    assert all(
        Path(f).parent.parent.name == text.split()[0]
        for f, text in zip(bunch.filenames, bunch.data, strict=True)
    )
    assert "Maas" in bunch.DESCR and f"subset={subset!r}" in bunch.DESCR


def test_imdb_train_only_copy(tmp_path):
    root = tmp_path / "data"
    shutil.rmtree(write_imdb(root / "aclImdb") / "test")
    assert len(load_movie_reviews(root, dataset="imdb", subset="train").data) == 4
    with pytest.raises(FileNotFoundError, match="test/neg"):
        load_movie_reviews(root, dataset="imdb", subset="all")


def test_imdb_is_never_downloaded(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", "http://127.0.0.1:9/never-used")
    root = tmp_path / "data"
    with pytest.raises(FileNotFoundError) as info:
        load_movie_reviews(root, dataset="imdb", download_if_missing=True)
    message = str(info.value)
    assert "https://ai.stanford.edu/~amaas/data/sentiment/" in message
    assert "cannot be downloaded automatically" in message
    assert not root.exists()


# -- argument checks and the missing-corpus message --------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"dataset": "sst2"}, "dataset must be 'polarity' or 'imdb'; got 'sst2'"),
        ({"dataset": ["imdb"]}, "dataset must be"),
        ({"subset": "train"}, "polarity dataset has no train/test split"),
        (
            {"dataset": "imdb", "subset": "unsup"},
            "subset must be 'train', 'test' or 'all'",
        ),
    ],
)
def test_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_movie_reviews(tmp_path, **kwargs)


def test_missing_corpus_message(tmp_path, monkeypatch, isolated_home):
    given, env = tmp_path / "given", tmp_path / "env"
    monkeypatch.setenv(DATA_HOME_ENV, str(env))
    with pytest.raises(FileNotFoundError) as info:
        load_movie_reviews(given)
    message = str(info.value)
    default = isolated_home / "sklearn_sigmoid_data"
    for root in (given, env, default):
        for layout in (
            "txt_sentoken/{neg,pos}",
            "review_polarity/txt_sentoken/{neg,pos}",
            "movie_reviews/{neg,pos}",
            "corpora/movie_reviews/{neg,pos}",
            "{neg,pos}",
            "movie_reviews.zip",
            "corpora/movie_reviews.zip",
            "archives/movie_reviews.zip",
        ):
            assert f"    {os.path.join(root, layout)}\n" in message + "\n"
    assert (
        message.index(str(given))
        < message.index(str(env))
        < message.index(str(default))
    )
    assert "data_home argument" in message and "default data home" in message
    assert DATA_HOME_ENV in message
    assert "http://www.cs.cornell.edu/people/pabo/movie-review-data/" in message
    assert "movie_reviews" in message and "download_if_missing=True" in message
    assert not given.exists() and not default.exists()


def test_missing_message_says_env_unset(tmp_path):
    with pytest.raises(
        FileNotFoundError, match=rf"{DATA_HOME_ENV} environment variable \(now unset\)"
    ):
        load_movie_reviews(tmp_path / "nowhere")


# -- data-home search order --------------------------------------------------------


def test_get_data_home(tmp_path, monkeypatch, isolated_home):
    assert get_data_home() == str(isolated_home / "sklearn_sigmoid_data")
    monkeypatch.setenv(DATA_HOME_ENV, "~/from-env")
    assert get_data_home() == str(isolated_home / "from-env")
    assert get_data_home(tmp_path / "x") == str(tmp_path / "x")
    assert get_data_home("~/given") == str(isolated_home / "given")
    assert sorted(os.listdir(isolated_home)) == []  # nothing created


def test_search_order(tmp_path, monkeypatch, isolated_home):
    def corpus(folder, text):
        write_class_folders(folder, {"neg": {"a.txt": text}, "pos": {"b.txt": text}})

    given, env = tmp_path / "given", tmp_path / "env"
    corpus(given / "movie_reviews", "given")
    corpus(env / "txt_sentoken", "env")
    corpus(
        isolated_home / "sklearn_sigmoid_data" / "corpora" / "movie_reviews", "default"
    )
    monkeypatch.setenv(DATA_HOME_ENV, str(env))

    assert load_movie_reviews(given).data == ["given", "given"]
    assert load_movie_reviews().data == ["env", "env"]
    # A data_home without the corpus falls back to the next places.
    assert load_movie_reviews(tmp_path / "empty").data == ["env", "env"]
    monkeypatch.delenv(DATA_HOME_ENV)
    assert load_movie_reviews().data == ["default", "default"]
    monkeypatch.setenv(DATA_HOME_ENV, "")  # empty means unset
    assert load_movie_reviews().data == ["default", "default"]


# -- opinion lexicon ---------------------------------------------------------------

LEXICON_FILES = {
    "positive-words.txt": ";;;;\n; Lexicon: Positive\n;\n\na+\nabound\n  good  \n",
    "negative-words.txt": "; Negative\n\n2-faced\nna\u00efve\n",
}


def test_read_lexicon_file(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text(LEXICON_FILES["positive-words.txt"], encoding="utf-8")
    assert read_lexicon_file(path) == ["a+", "abound", "good"]
    assert read_lexicon_file(str(path)) == ["a+", "abound", "good"]
    with open(path, encoding="utf-8") as f:
        assert read_lexicon_file(f) == ["a+", "abound", "good"]
    assert read_lexicon_file(["; c", "", "bad\n", "  ; also a comment"]) == ["bad"]
    path.write_bytes("; latin-1\nna\xefve\n".encode("latin-1"))
    assert read_lexicon_file(path) == ["naïve"]


@pytest.mark.parametrize("layout", ["opinion_lexicon", "corpora/opinion_lexicon", "."])
def test_lexicon_folder_layouts(tmp_path, layout):
    folder = tmp_path / "data" / layout
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in LEXICON_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    lexicon = load_opinion_lexicon(tmp_path / "data")
    assert lexicon.positive == ["a+", "abound", "good"]
    assert lexicon.negative == ["2-faced", "naïve"]
    assert "Hu" in lexicon.DESCR and "3 positive and 2 negative" in lexicon.DESCR


@pytest.mark.parametrize(
    "archive", ["opinion_lexicon.zip", "archives/opinion_lexicon.zip"]
)
def test_lexicon_zip_layouts(tmp_path, archive):
    write_zip(tmp_path / "data" / archive, "opinion_lexicon/", LEXICON_FILES)
    lexicon = load_opinion_lexicon(tmp_path / "data")
    assert lexicon.positive == ["a+", "abound", "good"]
    assert lexicon.negative == ["2-faced", "naïve"]


def test_lexicon_search_order_and_missing(tmp_path, monkeypatch):
    env = tmp_path / "env" / "opinion_lexicon"
    env.mkdir(parents=True)
    for name, text in LEXICON_FILES.items():
        (env / name).write_text(text, encoding="utf-8")
    with pytest.raises(FileNotFoundError) as info:
        load_opinion_lexicon(tmp_path / "given")
    message = str(info.value)
    assert os.path.join(tmp_path / "given", "opinion_lexicon.zip") in message
    assert DATA_HOME_ENV in message and "opinion_lexicon" in message
    monkeypatch.setenv(DATA_HOME_ENV, str(env.parent))
    assert load_opinion_lexicon(tmp_path / "given").negative == ["2-faced", "naïve"]


# -- the real corpora ----------------------------------------------------------------

needs_real_corpus = pytest.mark.skipif(
    not (REAL_DATA / "movie_reviews" / "pos").is_dir(),
    reason=f"real movie review corpus not found under {REAL_DATA} (set "
    f"{DATA_HOME_ENV} to the folder holding movie_reviews/)",
)
needs_real_archive = pytest.mark.skipif(
    not REAL_ARCHIVE.is_file(), reason=f"real archive {REAL_ARCHIVE} not found"
)
needs_real_lexicon = pytest.mark.skipif(
    not (REAL_DATA / "opinion_lexicon").is_dir(),
    reason=f"real opinion lexicon not found under {REAL_DATA}",
)


def check_real_polarity(bunch):
    assert len(bunch.data) == 2000
    np.testing.assert_array_equal(np.bincount(bunch.target), [1000, 1000])
    np.testing.assert_array_equal(bunch.target[:1000], 0)
    assert bunch.filenames[0].endswith("neg/cv000_29416.txt")
    assert bunch.filenames[-1].endswith("pos/cv999_13106.txt")
    assert all(doc.isascii() and doc for doc in bunch.data)
    assert "2000 documents (1000 neg, 1000 pos)" in bunch.DESCR


@needs_real_corpus
def test_real_polarity_folder():
    check_real_polarity(load_movie_reviews(REAL_DATA))


@needs_real_archive
def test_real_polarity_zip(tmp_path):
    shutil.copy(REAL_ARCHIVE, tmp_path / "movie_reviews.zip")
    bunch = load_movie_reviews(tmp_path)
    check_real_polarity(bunch)
    assert (
        bunch.filenames[0]
        == f"{tmp_path / 'movie_reviews.zip'}/movie_reviews/neg/cv000_29416.txt"
    )
    assert listing(tmp_path) == ["home", "movie_reviews.zip"]


@needs_real_corpus
@needs_real_archive
def test_real_zip_matches_folder(tmp_path):
    shutil.copy(REAL_ARCHIVE, tmp_path / "movie_reviews.zip")
    assert load_movie_reviews(tmp_path).data == load_movie_reviews(REAL_DATA).data


@needs_real_lexicon
def test_real_lexicon():
    lexicon = load_opinion_lexicon(REAL_DATA)
    assert (len(lexicon.positive), len(lexicon.negative)) == (2006, 4783)
    assert "naïve" in lexicon.negative
    assert lexicon.positive[0] == "a+" and lexicon.negative[0] == "2-faced"
    zipped = REAL_DATA / "archives" / "opinion_lexicon.zip"
    if zipped.is_file():
        from_zip = load_opinion_lexicon(zipped.parent)
        assert (from_zip.positive, from_zip.negative) == (
            lexicon.positive,
            lexicon.negative,
        )


# -- download, against a local HTTP server -------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        content = self.server.files.get(self.path)
        if content is None:
            self.send_error(404)
            return
        if callable(content):  # a misbehaving server: the callable answers
            try:
                content(self)
            except OSError:  # the client hung up
                pass
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    """A local HTTP server.

    ``serve(path, content)`` publishes bytes (or a callable answering the
    request handler it is given) and returns their URL, ``url(path)`` is the
    URL of any path (404 unless served), ``requests`` lists paths asked for.
    """
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.files, httpd.requests = {}, []
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()

    def url(path):
        return f"http://127.0.0.1:{httpd.server_address[1]}{path}"

    def serve(path, content):
        httpd.files[path] = content
        return url(path)

    httpd.url, httpd.serve = url, serve
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@needs_real_archive
def test_download_real_archive(tmp_path, server, monkeypatch):
    url = server.serve("/movie_reviews.zip", REAL_ARCHIVE.read_bytes())
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", url)
    data_home = tmp_path / "cache"

    check_real_polarity(load_movie_reviews(data_home, download_if_missing=True))
    assert server.requests == ["/movie_reviews.zip"]
    assert sorted(os.listdir(data_home)) == ["movie_reviews"]  # no zip, no temporaries
    assert sorted(os.listdir(data_home / "movie_reviews")) == ["README", "neg", "pos"]

    bunch = load_movie_reviews(data_home, download_if_missing=True)
    check_real_polarity(bunch)
    assert server.requests == ["/movie_reviews.zip"]  # not downloaded again
    assert bunch.filenames[0] == str(
        data_home / "movie_reviews" / "neg" / "cv000_29416.txt"
    )


def test_download_into_default_data_home(tmp_path, server, monkeypatch, isolated_home):
    content = tiny_movie_reviews_zip(tmp_path / "tiny.zip").read_bytes()
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", server.serve("/mr.zip", content))
    monkeypatch.setattr(
        datasets, "MOVIE_REVIEWS_SHA256", hashlib.sha256(content).hexdigest()
    )
    monkeypatch.setenv(DATA_HOME_ENV, str(tmp_path / "env-home"))

    assert load_movie_reviews(download_if_missing=True).data == SORTED_TEXTS
    assert listing(tmp_path / "env-home") == [
        "movie_reviews",
        "movie_reviews/README",
        "movie_reviews/neg",
        "movie_reviews/neg/cv000_a.txt",
        "movie_reviews/neg/cv001_b.txt",
        "movie_reviews/pos",
        "movie_reviews/pos/cv000_d.txt",
        "movie_reviews/pos/cv001_e.txt",
        "movie_reviews/pos/cv002_c.txt",
    ]
    assert listing(isolated_home) == []
    assert load_movie_reviews(download_if_missing=True).data == SORTED_TEXTS
    assert server.requests == ["/mr.zip"]


def test_no_download_when_found_elsewhere(tmp_path, server, monkeypatch):
    monkeypatch.setattr(
        datasets, "MOVIE_REVIEWS_URL", server.serve("/x.zip", b"unused")
    )
    monkeypatch.setenv(
        DATA_HOME_ENV,
        str(write_class_folders(tmp_path / "env" / "movie_reviews").parent),
    )
    assert (
        load_movie_reviews(tmp_path / "given", download_if_missing=True).data
        == SORTED_TEXTS
    )
    assert server.requests == []
    assert not (tmp_path / "given").exists()


@pytest.mark.parametrize("source", ["tiny", "real"])
def test_download_checksum_mismatch(tmp_path, server, monkeypatch, source):
    if source == "real":
        if not REAL_ARCHIVE.is_file():
            pytest.skip(f"real archive {REAL_ARCHIVE} not found")
        content = bytearray(REAL_ARCHIVE.read_bytes())
    else:
        content = bytearray(tiny_movie_reviews_zip(tmp_path / "tiny.zip").read_bytes())
    for i in (10, len(content) // 2, len(content) - 30):
        content[i] ^= 0xFF
    content = bytes(content)
    url = server.serve("/movie_reviews.zip", content)
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", url)
    data_home = tmp_path / "cache"

    with pytest.raises(OSError, match="Checksum mismatch") as info:
        load_movie_reviews(data_home, download_if_missing=True)
    message = str(info.value)
    assert url in message
    assert f"expected SHA-256 {MOVIE_REVIEWS_SHA256}" in message
    assert f"got {hashlib.sha256(content).hexdigest()}" in message
    assert not data_home.exists()

    # An existing data home keeps its contents and gains nothing.
    data_home.mkdir()
    (data_home / "other.txt").write_text("keep me")
    with pytest.raises(OSError, match="Checksum mismatch"):
        load_movie_reviews(data_home, download_if_missing=True)
    assert listing(data_home) == ["other.txt"]


def _refused_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/movie_reviews.zip"


def test_download_http_error(tmp_path, server, monkeypatch):
    url = server.url("/missing.zip")
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", url)
    data_home = tmp_path / "cache"
    with pytest.raises(
        OSError,
        match=r"Could not download .* from http://127\.0\.0\.1:\d+/"
        r"missing\.zip: HTTP Error 404",
    ):
        load_movie_reviews(data_home, download_if_missing=True)
    assert server.requests == ["/missing.zip"]
    assert not data_home.exists()


def test_download_connection_refused(tmp_path, monkeypatch):
    url = _refused_url()
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", url)
    data_home = tmp_path / "cache"
    data_home.mkdir()
    with pytest.raises(
        OSError, match=rf"Could not download .* from {re.escape(url)}: .*[Rr]efused"
    ):
        load_movie_reviews(data_home, download_if_missing=True)
    assert listing(data_home) == []


def test_download_timeout(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "_DOWNLOAD_TIMEOUT", 0.2)
    data_home = tmp_path / "cache"
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/movie_reviews.zip"
        monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", url)
        with pytest.raises(
            OSError, match=rf"Could not download .* from {re.escape(url)}: .*timed out"
        ):
            load_movie_reviews(data_home, download_if_missing=True)
    assert not data_home.exists()


def test_download_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", _refused_url())
    data_home = tmp_path / "cache"
    (data_home / "movie_reviews" / "pos").mkdir(parents=True)  # no neg/: not a corpus
    with pytest.raises(FileExistsError, match="exists but does not hold pos/ and neg/"):
        load_movie_reviews(data_home, download_if_missing=True)
    assert listing(data_home) == ["movie_reviews", "movie_reviews/pos"]


# -- streaming: iter_movie_reviews and list_movie_reviews ----------------------------


def stream(*args, **kwargs):
    """The chunks of ``iter_movie_reviews`` as a list of (texts, labels)."""
    return list(iter_movie_reviews(*args, **kwargs))


def stream_pairs(chunks):
    """Every (text, label) the chunks hold, as a multiset."""
    return Counter(
        (text, int(label))
        for texts, labels in chunks
        for text, label in zip(texts, labels, strict=True)
    )


def check_stream_matches_loader(root, **kwargs):
    """Chunks of 2 hold exactly the loader's documents and labels, each once."""
    bunch = load_movie_reviews(root, **kwargs)
    chunks = stream(root, chunk_size=2, random_state=0, **kwargs)
    n = len(bunch.data)
    assert [len(texts) for texts, _ in chunks] == [2] * (n // 2) + [1] * (n % 2)
    for texts, labels in chunks:
        assert isinstance(texts, list) and all(isinstance(t, str) for t in texts)
        assert isinstance(labels, np.ndarray) and labels.dtype.kind == "i"
        assert labels.shape == (len(texts),)
    assert stream_pairs(chunks) == Counter(
        zip(bunch.data, bunch.target.tolist(), strict=True)
    )
    unshuffled = stream(root, chunk_size=n, shuffle=False, **kwargs)
    assert len(unshuffled) == 1
    assert unshuffled[0][0] == bunch.data
    np.testing.assert_array_equal(unshuffled[0][1], bunch.target)
    listing = list_movie_reviews(root, **kwargs)
    np.testing.assert_array_equal(listing.filenames, bunch.filenames)
    np.testing.assert_array_equal(listing.target, bunch.target)
    assert listing.target_names == ["neg", "pos"]


@pytest.mark.parametrize("layout", ["txt_sentoken", "movie_reviews", "."])
def test_stream_polarity_folder_layouts(tmp_path, layout):
    root = tmp_path / "data"
    folder = write_class_folders(root / layout)
    (folder / "README").write_text("not a review\n")
    (folder / "pos" / "._cv000_d.txt").write_bytes(b"\x00\x05")
    check_stream_matches_loader(root)


@pytest.mark.parametrize("archive", ["movie_reviews.zip", "archives/movie_reviews.zip"])
def test_stream_polarity_zip_layouts(tmp_path, archive):
    root = tmp_path / "data"
    tiny_movie_reviews_zip(root / archive)
    before = listing(root)
    check_stream_matches_loader(root)
    assert listing(root) == before  # read in place


@pytest.mark.parametrize("inside", [True, False], ids=["aclImdb", "root-is-aclImdb"])
@pytest.mark.parametrize("subset", ["train", "test", "all"])
def test_stream_imdb_layouts(tmp_path, inside, subset):
    root = tmp_path / "data"
    write_imdb(root / "aclImdb" if inside else root)
    check_stream_matches_loader(root, dataset="imdb", subset=subset)
    chunks = stream(root, dataset="imdb", subset=subset)
    assert not any("unlabelled" in t for texts, _ in chunks for t in texts)


@pytest.mark.parametrize(
    "chunk_size, sizes",
    [(1, [1, 1, 1, 1, 1]), (2, [2, 2, 1]), (4, [4, 1]), (5, [5]), (1000, [5])],
)
def test_stream_chunk_sizes(tmp_path, chunk_size, sizes):
    root = write_class_folders(tmp_path / "movie_reviews").parent
    chunks = stream(root, chunk_size=chunk_size, random_state=0)
    assert [len(texts) for texts, _ in chunks] == sizes
    assert [len(labels) for _, labels in chunks] == sizes
    assert sum(stream_pairs(chunks).values()) == 5


def test_stream_default_chunk_size(tmp_path):
    files = {f"{i:04d}.txt": f"review {i}" for i in range(250)}
    root = tmp_path / "data"
    write_class_folders(
        root / "movie_reviews",
        {"neg": files, "pos": {name: t + "!" for name, t in files.items()}},
    )
    assert [len(texts) for texts, _ in stream(root, random_state=0)] == [200, 200, 100]


def test_stream_shuffle_is_reproducible(tmp_path):
    root = write_class_folders(tmp_path / "movie_reviews").parent

    def order(**kwargs):
        return [t for texts, _ in stream(root, chunk_size=2, **kwargs) for t in texts]

    assert order(random_state=0) == order(random_state=0)
    rng_a, rng_b = np.random.RandomState(3), np.random.RandomState(3)
    assert order(random_state=rng_a) == order(random_state=rng_b)
    assert len({tuple(order(random_state=seed)) for seed in range(10)}) > 1
    assert order(shuffle=False) == SORTED_TEXTS
    # shuffle=True is the default: the class-sorted order is not what SGD sees.
    assert any(order(random_state=seed) != SORTED_TEXTS for seed in range(3))


def test_stream_indices(tmp_path):
    root = write_class_folders(tmp_path / "movie_reviews").parent
    chunks = stream(root, chunk_size=2, indices=[4, 0, 2], shuffle=False)
    assert [texts for texts, _ in chunks] == [
        [SORTED_TEXTS[4], SORTED_TEXTS[0]],
        [SORTED_TEXTS[2]],
    ]
    assert [labels.tolist() for _, labels in chunks] == [[1, 0], [1]]
    shuffled = stream(root, indices=np.array([1, 3]), random_state=0)
    assert stream_pairs(shuffled) == Counter(
        {(SORTED_TEXTS[1], 0): 1, (SORTED_TEXTS[3], 1): 1}
    )
    assert stream(root, indices=[]) == []
    # Train/test split by position: the two streams partition the corpus.
    test = np.arange(5)[::2]
    train = np.setdiff1d(np.arange(5), test)
    assert stream_pairs(stream(root, indices=train)) + stream_pairs(
        stream(root, indices=test)
    ) == stream_pairs(stream(root))


@pytest.mark.parametrize(
    "chunk_size", [0, -3, 2.5, 2.0, "10", None, True, np.float64(4)]
)
def test_stream_bad_chunk_size(tmp_path, chunk_size):
    root = write_class_folders(tmp_path / "movie_reviews").parent
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        iter_movie_reviews(root, chunk_size=chunk_size)  # raises before iterating


def test_stream_numpy_integer_chunk_size(tmp_path):
    root = write_class_folders(tmp_path / "movie_reviews").parent
    chunks = stream(root, chunk_size=np.int64(3), random_state=0)
    assert [len(texts) for texts, _ in chunks] == [3, 2]


@pytest.mark.parametrize(
    "indices, match",
    [
        ([0, 5], r"indices must lie in \[0, 5\) .*got 5"),
        ([-1], r"indices must lie in \[0, 5\) .*got -1"),
        ([[0, 1]], "1-D array of integer file positions; got an array of shape"),
        ([0.0, 1.0], "dtype float64"),
        ([True, False, True, False, True], r"np\.flatnonzero\(mask\)"),
        (["a"], "integer file positions"),
    ],
)
def test_stream_bad_indices(tmp_path, indices, match):
    root = write_class_folders(tmp_path / "movie_reviews").parent
    with pytest.raises(ValueError, match=match):
        iter_movie_reviews(root, indices=indices)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"dataset": "sst2"}, ValueError, "dataset must be 'polarity' or 'imdb'"),
        ({"subset": "train"}, ValueError, "polarity dataset has no train/test split"),
        ({"data_home": "nowhere"}, FileNotFoundError, "not found.  Looked in"),
    ],
)
def test_stream_errors_raise_at_call(tmp_path, kwargs, error, match):
    kwargs.setdefault("data_home", tmp_path / "empty")
    kwargs["data_home"] = tmp_path / kwargs["data_home"]
    with pytest.raises(error, match=match):
        iter_movie_reviews(**kwargs)
    with pytest.raises(error, match=match):
        list_movie_reviews(**kwargs)


def test_stream_incomplete_copy(tmp_path):
    root = tmp_path / "data"
    write_class_folders(root / "movie_reviews", {"neg": {"a.txt": "x"}, "pos": {}})
    with pytest.raises(ValueError, match=r"No review files \(\*\.txt\) in pos/"):
        iter_movie_reviews(root)


@pytest.mark.parametrize("zipped", [False, True], ids=["folder", "zip"])
def test_stream_is_lazy(tmp_path, monkeypatch, zipped):
    """Files are listed once, at the call, and read one chunk at a time."""
    root = tmp_path / "data"
    if zipped:
        tiny_movie_reviews_zip(root / "movie_reviews.zip")
    else:
        write_class_folders(root / "movie_reviews")
    decoded = []
    real_decode = datasets._decode
    monkeypatch.setattr(
        datasets, "_decode", lambda raw: decoded.append(raw) or real_decode(raw)
    )
    listed = []
    real_list = datasets._list_documents
    monkeypatch.setattr(
        datasets,
        "_list_documents",
        lambda *args: listed.append(args) or real_list(*args),
    )

    chunks = iter_movie_reviews(root, chunk_size=2, shuffle=False)
    assert len(listed) == 1 and decoded == []
    texts, _ = next(chunks)
    assert texts == SORTED_TEXTS[:2] and len(decoded) == 2
    next(chunks)
    assert len(decoded) == 4
    assert [t for t, _ in chunks] == [SORTED_TEXTS[4:]]
    assert len(decoded) == 5 and len(listed) == 1


def test_stream_reads_files_when_reached(tmp_path):
    root = tmp_path / "data"
    folder = write_class_folders(root / "movie_reviews")
    chunks = iter_movie_reviews(root, chunk_size=2, shuffle=False)
    (folder / "pos" / "cv002_c.txt").write_text("edited after listing\n")
    texts = [t for chunk, _ in chunks for t in chunk]
    assert texts == SORTED_TEXTS[:4] + ["edited after listing\n"]


def test_stream_latin1_fallback(tmp_path):
    root = tmp_path / "data"
    (root / "neg").mkdir(parents=True)
    (root / "pos").mkdir()
    (root / "neg" / "a.txt").write_bytes("caf\xe9".encode("latin-1"))
    (root / "pos" / "b.txt").write_bytes("\ufeffcafé".encode("utf-8"))
    assert stream(root, shuffle=False)[0][0] == ["café", "café"]


@needs_real_corpus
def test_real_polarity_stream():
    bunch = load_movie_reviews(REAL_DATA)
    chunks = stream(REAL_DATA, chunk_size=300, random_state=0)
    assert [len(texts) for texts, _ in chunks] == [300] * 6 + [200]
    assert stream_pairs(chunks) == Counter(
        zip(bunch.data, bunch.target.tolist(), strict=True)
    )
    # Shuffled: the first chunk mixes both classes.
    assert 0 < chunks[0][1].sum() < 300
    listing = list_movie_reviews(REAL_DATA)
    np.testing.assert_array_equal(listing.filenames, bunch.filenames)
    np.testing.assert_array_equal(listing.target, bunch.target)
    # A held-out split by position never appears in the training stream.
    test = np.arange(2000)[::5]
    train = np.setdiff1d(np.arange(2000), test)
    seen = stream_pairs(stream(REAL_DATA, indices=train, random_state=1))
    assert sum(seen.values()) == 1600
    assert not set(seen) & {(bunch.data[i], int(bunch.target[i])) for i in test}


@needs_real_archive
def test_real_polarity_stream_from_zip(tmp_path):
    shutil.copy(REAL_ARCHIVE, tmp_path / "movie_reviews.zip")
    chunks = stream(tmp_path, chunk_size=500, shuffle=False)
    assert [len(texts) for texts, _ in chunks] == [500] * 4
    labels = np.concatenate([labels for _, labels in chunks])
    np.testing.assert_array_equal(labels, np.repeat([0, 1], 1000))


# -- hostile input: concurrent downloads, caps, deadline, links, bad zips ------------


def tiny_download(tmp_path, monkeypatch):
    """The tiny corpus's zip bytes, made the expected download (URL not set)."""
    content = tiny_movie_reviews_zip(tmp_path / "tiny.zip").read_bytes()
    monkeypatch.setattr(
        datasets, "MOVIE_REVIEWS_SHA256", hashlib.sha256(content).hexdigest()
    )
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_SIZE", len(content))
    return content


def send_zip_headers(handler, length):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/zip")
    if length is not None:
        handler.send_header("Content-Length", str(length))
    handler.end_headers()


def call_with_time_limit(seconds, function, *args, **kwargs):
    """``function(*args, **kwargs)`` in a daemon thread; fails if it runs too long."""
    outcome = {}

    def target():
        try:
            outcome["result"] = function(*args, **kwargs)
        except BaseException as exc:  # handed to the caller
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


_CONCURRENT_LOADER = """
import os, sys, time
from sklearn_sigmoid import datasets
url, sha, size, home, me, other = sys.argv[1:]
datasets.MOVIE_REVIEWS_URL, datasets.MOVIE_REVIEWS_SHA256 = url, sha
datasets.MOVIE_REVIEWS_SIZE = int(size)
open(me, "w").close()  # start together: both are ready before either loads
while not os.path.exists(other):
    time.sleep(0.005)
print(len(datasets.load_movie_reviews(home, download_if_missing=True).data))
"""


@pytest.mark.slow
def test_concurrent_downloads_in_two_processes(tmp_path, server, monkeypatch):
    content = tiny_download(tmp_path, monkeypatch)

    def slow(handler):  # both processes are past their checks when it answers
        time.sleep(0.5)
        send_zip_headers(handler, len(content))
        handler.wfile.write(content)

    url = server.serve("/movie_reviews.zip", slow)
    data_home = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k != DATA_HOME_ENV}
    env.update(no_proxy="*", NO_PROXY="*")
    flags = [tmp_path / "ready-0", tmp_path / "ready-1"]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _CONCURRENT_LOADER,
                url,
                datasets.MOVIE_REVIEWS_SHA256,
                str(len(content)),
                str(data_home),
                str(flags[i]),
                str(flags[1 - i]),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    try:
        outputs = [p.communicate(timeout=120) for p in processes]
    finally:
        for p in processes:
            p.kill()
    for p, (out, err) in zip(processes, outputs, strict=True):
        assert p.returncode == 0, err
        assert out.split() == ["5"]
    # One download: the second process waited for the lock and found the corpus.
    assert server.requests == ["/movie_reviews.zip"]
    assert sorted(os.listdir(data_home)) == ["movie_reviews"]  # no lock, no staging


def test_concurrent_downloads_without_file_locks(tmp_path, server, monkeypatch):
    """Where no lock is available, the second install finds the corpus: success."""
    content = tiny_download(tmp_path, monkeypatch)
    monkeypatch.setattr(datasets, "fcntl", None)
    both_downloading = threading.Barrier(2, timeout=10)

    def answer_when_both_asked(handler):
        both_downloading.wait()
        send_zip_headers(handler, len(content))
        handler.wfile.write(content)

    monkeypatch.setattr(
        datasets,
        "MOVIE_REVIEWS_URL",
        server.serve("/movie_reviews.zip", answer_when_both_asked),
    )
    data_home = tmp_path / "cache"
    results = [None, None]

    def load(i):
        results[i] = load_movie_reviews(data_home, download_if_missing=True).data

    threads = [threading.Thread(target=load, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [SORTED_TEXTS, SORTED_TEXTS]
    assert server.requests == ["/movie_reviews.zip"] * 2
    assert sorted(os.listdir(data_home)) == ["movie_reviews"]


def patch_declared_size(path, member, size):
    """Make the zip at ``path`` declare ``size`` uncompressed bytes for ``member``."""
    raw = bytearray(path.read_bytes())
    name = member.encode()
    # (signature, offset of the size field, offset of the name): central
    # directory entry, then local header.
    headers = ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30))
    for signature, offset, name_at in headers:
        start = raw.find(signature)
        while start != -1:
            if raw[start + name_at : start + name_at + len(name)] == name:
                raw[start + offset : start + offset + 4] = size.to_bytes(4, "little")
                break
            start = raw.find(signature, start + 1)
        else:
            raise AssertionError(f"{member} not found")
    path.write_bytes(bytes(raw))


def test_zip_member_declaring_2_gib_is_refused_before_inflating(tmp_path, monkeypatch):
    root = tmp_path / "data"
    archive = tiny_movie_reviews_zip(root / "movie_reviews.zip")
    patch_declared_size(archive, "movie_reviews/pos/cv001_e.txt", 2**31)
    assert archive.stat().st_size < 2000
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, name, *a, **k: (
            opened.append(getattr(name, "filename", name))
            or real_open(self, name, *a, **k)
        ),
    )
    match = r"Refused to read movie_reviews/pos/cv001_e\.txt from .*movie_reviews\.zip"
    with pytest.raises(ValueError, match=match + r": it would inflate to 2147483648"):
        load_movie_reviews(root)
    assert "movie_reviews/pos/cv001_e.txt" not in opened
    with pytest.raises(ValueError, match=match):
        stream(root, shuffle=False)


def test_zip_member_over_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "_MAX_MEMBER_SIZE", 1000)
    root = tmp_path / "data"
    write_zip(
        root / "movie_reviews.zip",
        "movie_reviews/",
        {"neg/a.txt": "x" * 1001, "pos/b.txt": "fine"},
    )
    with pytest.raises(
        ValueError, match=r"neg/a.txt .* 1001 bytes, more than the 1000"
    ):
        load_movie_reviews(root)
    write_zip(
        tmp_path / "lex" / "opinion_lexicon.zip",
        "opinion_lexicon/",
        {"positive-words.txt": "good\n" * 300, "negative-words.txt": "bad\n"},
    )
    with pytest.raises(ValueError, match=r"positive-words.txt .* 1500 bytes"):
        load_opinion_lexicon(tmp_path / "lex")


def test_zip_member_read_stops_at_the_cap_whatever_the_header(tmp_path, monkeypatch):
    """A member inflating past its (lying) header never costs more than the cap."""
    monkeypatch.setattr(datasets, "_MAX_MEMBER_SIZE", 1000)
    root = tmp_path / "data"
    tiny_movie_reviews_zip(root / "movie_reviews.zip")
    asked = []

    class Endless(io.RawIOBase):  # what a lying header or broken inflater gives
        def readinto(self, buffer):
            buffer[:] = b"x" * len(buffer)
            return len(buffer)

        def read(self, size=-1):
            asked.append(size)
            assert size >= 0, "unbounded read"
            return super().read(size)

    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: Endless())
    with pytest.raises(ValueError, match="inflates to more than the 1000 bytes"):
        load_movie_reviews(root)
    assert asked == [1001]


def test_zip_member_with_a_lying_small_header_is_corrupt(tmp_path, monkeypatch):
    root = tmp_path / "data"
    archive = tiny_movie_reviews_zip(root / "movie_reviews.zip")
    patch_declared_size(archive, "movie_reviews/neg/cv001_b.txt", 3)
    with pytest.raises(
        zipfile.BadZipFile,
        match=rf"Cannot read movie_reviews/neg/cv001_b\.txt from "
        rf"{re.escape(str(archive))}: the member is corrupted",
    ):
        load_movie_reviews(root)


@pytest.mark.parametrize("announce", [True, False], ids=["announced", "endless"])
def test_download_size_is_capped(tmp_path, server, monkeypatch, announce):
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_SIZE", 100_000)
    monkeypatch.setattr(datasets, "_DOWNLOAD_SIZE_MARGIN", 1000)
    sent = []

    def huge(handler):  # 20 MB: without a cap the test ends, failing
        send_zip_headers(handler, 20 << 20 if announce else None)
        for _ in range(320):
            handler.wfile.write(b"\0" * (1 << 16))
            sent.append(1 << 16)

    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", server.serve("/mr.zip", huge))
    data_home = tmp_path / "cache"
    if announce:
        match = "server announces 20971520 bytes, more than the 100000 expected"
    else:
        match = r"Stopped downloading .* after \d+ bytes: more than the 100000 expected"
    with pytest.raises(OSError, match=match) as info:
        call_with_time_limit(
            30, load_movie_reviews, data_home, download_if_missing=True
        )
    if not announce:
        received = int(re.search(r"after (\d+) bytes", str(info.value)).group(1))
        assert 101_000 < received <= 101_000 + datasets._CHUNK_SIZE
    assert not data_home.exists()


@pytest.mark.parametrize("phase", ["body", "headers"])
def test_download_deadline(tmp_path, server, monkeypatch, phase):
    """A server trickling bytes (never idle for a per-read timeout) is cut off."""
    monkeypatch.setattr(datasets, "_DOWNLOAD_DEADLINE", 0.5)
    monkeypatch.setattr(datasets, "_DOWNLOAD_TIMEOUT", 5)

    def trickle(handler):  # one byte every 20 ms, for 20 s at most
        if phase == "body":
            send_zip_headers(handler, 1000)
            handler.wfile.flush()
            data = b"\0" * 1000
        else:
            data = b"HTTP/1.0 200 OK\r\n" + b"X-Slow: y\r\n" * 100
        for i in range(1000):
            handler.wfile.write(data[i : i + 1])
            handler.wfile.flush()
            time.sleep(0.02)

    url = server.serve("/mr.zip", trickle)
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", url)
    data_home = tmp_path / "cache"
    start = time.monotonic()
    with pytest.raises(
        TimeoutError,
        match=rf"from {re.escape(url)}: the download did not finish within 0\.5 s",
    ):
        call_with_time_limit(
            10, load_movie_reviews, data_home, download_if_missing=True
        )
    assert time.monotonic() - start < 3
    assert not data_home.exists()


@pytest.mark.parametrize("cut", ["close", "reset"])
def test_download_cut_midway_says_interrupted(tmp_path, server, monkeypatch, cut):
    content = tiny_download(tmp_path, monkeypatch)

    def cut_short(handler):
        send_zip_headers(handler, len(content))
        handler.wfile.write(content[: len(content) // 2])
        handler.wfile.flush()
        if cut == "reset":  # an RST instead of a FIN
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
        handler.connection.close()

    url = server.serve("/mr.zip", cut_short)
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", url)
    data_home = tmp_path / "cache"
    with pytest.raises(OSError) as info:
        load_movie_reviews(data_home, download_if_missing=True)
    message = str(info.value)
    assert "Checksum" not in message and "upstream" not in message
    half = len(content) // 2
    if cut == "close":
        assert f"incomplete, the connection closed after {half} of the " in message
    else:
        assert re.search(rf"interrupted after \d+ of {len(content)} bytes", message)
    assert not data_home.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks and FIFOs")
def test_symlinks_are_read_only_inside_the_corpus(tmp_path):
    root = tmp_path / "data"
    folder = write_class_folders(root / "movie_reviews")
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    pos = folder / "pos"
    (pos / "x.txt").symlink_to(secret)  # like pos/x.txt -> /etc/passwd
    (pos / "loop.txt").symlink_to(pos / "loop.txt")
    (pos / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(pos / "fifo")
    (pos / "pipe.txt").symlink_to("fifo")
    (pos / "zz_inside.txt").symlink_to(Path("..", "neg", "cv000_a.txt"))

    with pytest.warns(UserWarning, match="Skipped 4 file") as record:
        bunch = call_with_time_limit(10, load_movie_reviews, root)
    assert bunch.data == SORTED_TEXTS + ["dull and boring .\n"]
    assert bunch.filenames[-1] == str(pos / "zz_inside.txt")
    message = str(record[0].message)
    for name in ("x.txt", "loop.txt", "broken.txt", "pipe.txt"):
        assert str(pos / name) in message
    assert f"a link to {secret.resolve()}, outside" in message
    assert "broken or looping link" in message
    assert record[0].filename == __file__  # points at the caller
    with pytest.warns(UserWarning, match="Skipped 4 file"):
        texts = [t for chunk, _ in stream(root, shuffle=False) for t in chunk]
    assert "SECRET" not in texts and len(texts) == 6


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_corpus_folder_behind_a_link_is_read_without_warning(tmp_path):
    real = write_class_folders(tmp_path / "elsewhere" / "mr")
    (real / "pos" / "zz.txt").symlink_to(real / "neg" / "cv000_a.txt")
    root = tmp_path / "data"
    root.mkdir()
    (root / "movie_reviews").symlink_to(real)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bunch = load_movie_reviews(root)
    assert bunch.data == SORTED_TEXTS + ["dull and boring .\n"]


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_corrupted_zip_member_names_archive_and_member(tmp_path, method):
    root = tmp_path / "data"
    archive = root / "movie_reviews.zip"
    root.mkdir()
    member = "movie_reviews/pos/cv001_e.txt"
    with zipfile.ZipFile(archive, "w", compression=method) as zf:
        for name in SORTED_NAMES:
            zf.writestr(f"movie_reviews/{name}", "some review text " * 20)
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(member)
    data_start = info.header_offset + 30 + len(member)
    raw[data_start + 5 : data_start + 15] = b"\xff" * 10
    archive.write_bytes(bytes(raw))

    match = (
        rf"Cannot read {member} from {re.escape(str(archive))}: "
        r"the member is corrupted"
    )
    with pytest.raises(zipfile.BadZipFile, match=match):
        load_movie_reviews(root)
    with pytest.raises(zipfile.BadZipFile, match=match):
        stream(root, shuffle=False)


def test_non_zip_archive_does_not_hide_a_corpus_elsewhere(tmp_path, monkeypatch):
    given = tmp_path / "given"
    given.mkdir()
    (given / "movie_reviews.zip").write_bytes(b"<html>404 Not Found</html>")
    env = write_class_folders(tmp_path / "env" / "movie_reviews").parent
    monkeypatch.setenv(DATA_HOME_ENV, str(env))
    with pytest.warns(UserWarning, match="not a readable zip archive") as record:
        assert load_movie_reviews(given).data == SORTED_TEXTS
    assert str(given / "movie_reviews.zip") in str(record[0].message)
    assert record[0].filename == __file__

    monkeypatch.delenv(DATA_HOME_ENV)
    with pytest.raises(FileNotFoundError) as info:
        load_movie_reviews(given)
    assert (
        f"Ignored:\n  {given / 'movie_reviews.zip'}: not a readable zip archive"
        in str(info.value)
    )


def test_non_zip_archive_does_not_block_download(tmp_path, server, monkeypatch):
    content = tiny_download(tmp_path, monkeypatch)
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", server.serve("/mr.zip", content))
    data_home = tmp_path / "cache"
    data_home.mkdir()
    (data_home / "movie_reviews.zip").write_bytes(b"truncated")
    with pytest.warns(UserWarning, match="not a readable zip archive"):
        bunch = load_movie_reviews(data_home, download_if_missing=True)
    assert bunch.data == SORTED_TEXTS
    # The folder installed now comes first: no more warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_movie_reviews(data_home).data == SORTED_TEXTS


def test_lexicon_zip_without_word_files(tmp_path):
    write_zip(
        tmp_path / "opinion_lexicon.zip",
        "opinion_lexicon/",
        {"positive-words.txt": "good\n", "README": "x"},
    )
    with pytest.raises(
        ValueError,
        match=r"opinion_lexicon\.zip holds no opinion_lexicon/negative-words\.txt: "
        r"the copy there looks incomplete",
    ):
        load_opinion_lexicon(tmp_path)


def test_data_home_that_is_a_file(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", _refused_url())
    data_home = tmp_path / "cache"
    data_home.write_text("not a folder")
    with pytest.raises(
        NotADirectoryError, match=rf"into {re.escape(str(data_home))}: it is a file"
    ):
        load_movie_reviews(data_home, download_if_missing=True)
    with pytest.raises(FileNotFoundError, match="-- a file, not a folder"):
        load_movie_reviews(data_home)
    with pytest.raises(NotADirectoryError, match="Cannot create the data home"):
        load_movie_reviews(data_home / "sub", download_if_missing=True)
    assert data_home.read_text() == "not a folder"


def test_stale_download_folders_are_removed(tmp_path, server, monkeypatch):
    content = tiny_download(tmp_path, monkeypatch)
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", server.serve("/mr.zip", content))
    data_home = tmp_path / "cache"
    dead = data_home / ".movie_reviews-download-k1ll3d"
    dead.mkdir(parents=True)
    (dead / "movie_reviews.zip").write_bytes(content[:100])
    (data_home / ".movie_reviews-download.lock").touch()  # left by a killed process
    load_movie_reviews(data_home, download_if_missing=True)
    assert sorted(os.listdir(data_home)) == ["movie_reviews"]


def test_stale_download_folders_without_file_locks(tmp_path, server, monkeypatch):
    """Without a lock, only folders older than any live download are removed."""
    content = tiny_download(tmp_path, monkeypatch)
    monkeypatch.setattr(datasets, "fcntl", None)
    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", server.serve("/mr.zip", content))
    data_home = tmp_path / "cache"
    old, live = (data_home / f".movie_reviews-download-{n}" for n in ("old", "live"))
    old.mkdir(parents=True)
    live.mkdir()
    age = 2 * datasets._DOWNLOAD_DEADLINE + 60
    os.utime(old, (time.time() - age, time.time() - age))
    load_movie_reviews(data_home, download_if_missing=True)
    assert sorted(os.listdir(data_home)) == [live.name, "movie_reviews"]


_KILLED_LOADER = """
import sys
from sklearn_sigmoid import datasets
datasets.MOVIE_REVIEWS_URL = sys.argv[1]
datasets.load_movie_reviews(sys.argv[2], download_if_missing=True)
"""


def test_download_killed_midway_is_cleaned_up_next_time(tmp_path, server, monkeypatch):
    content = tiny_download(tmp_path, monkeypatch)
    started, release = threading.Event(), threading.Event()

    def stall(handler):  # a part of the file, then nothing until the test ends
        send_zip_headers(handler, len(content))
        handler.wfile.write(content[:100])
        handler.wfile.flush()
        started.set()
        release.wait(60)

    stalled = server.serve("/stall.zip", stall)
    data_home = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k != DATA_HOME_ENV}
    env.update(no_proxy="*", NO_PROXY="*")
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_LOADER, stalled, str(data_home)], env=env
    )
    try:
        assert started.wait(60)
        deadline = time.monotonic() + 10
        while not list(data_home.glob(".movie_reviews-download-*/movie_reviews.zip")):
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        process.kill()
        process.wait(30)
        release.set()
    # The killed download left its temporary folder (and its lock file).
    assert list(data_home.glob(".movie_reviews-download-*/movie_reviews.zip"))

    monkeypatch.setattr(datasets, "MOVIE_REVIEWS_URL", server.serve("/ok.zip", content))
    assert load_movie_reviews(data_home, download_if_missing=True).data == SORTED_TEXTS
    assert sorted(os.listdir(data_home)) == ["movie_reviews"]


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
    ],
)
def test_utf16_and_utf32_reviews_with_bom(tmp_path, encoding, bom):
    text = "caf\u00e9 na\u00efve \u2014 \u00bfqu\u00e9? \U0001f600\n"
    raw = bom + text.encode(encoding)
    root = tmp_path / "data"
    write_class_folders(root / "movie_reviews", {"neg": {"a.txt": "x"}, "pos": {}})
    (root / "movie_reviews" / "pos" / "b.txt").write_bytes(raw)
    assert load_movie_reviews(root).data == ["x", text]
    zipped = tmp_path / "zipped"
    write_zip(
        zipped / "movie_reviews.zip",
        "movie_reviews/",
        {"neg/a.txt": "x", "pos/b.txt": raw},
    )
    assert load_movie_reviews(zipped).data == ["x", text]
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_bytes(bom + "; comment\ngood\nna\u00efve\n".encode(encoding))
    assert read_lexicon_file(lexicon) == ["good", "naïve"]


def test_bom_without_valid_utf16_falls_back_to_latin1(tmp_path):
    raw = codecs.BOM_UTF16_LE + b"abc"  # odd length: not UTF-16
    root = tmp_path / "data"
    write_class_folders(root / "movie_reviews", {"neg": {"a.txt": "x"}, "pos": {}})
    (root / "movie_reviews" / "pos" / "b.txt").write_bytes(raw)
    assert load_movie_reviews(root).data == ["x", raw.decode("latin-1")]
