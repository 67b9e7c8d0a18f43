"""Sphinx configuration of the sklearn-sigmoid documentation.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(README.md gives the one-line command that installs what it needs first).
"""

import os
import re
import shutil
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the gallery draws without a screen

import sklearn_sigmoid

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

# -- project --------------------------------------------------------------------
project = "sklearn-sigmoid"
author = "The sklearn-sigmoid developers"
copyright = "the sklearn-sigmoid developers (BSD-3-Clause)"
release = sklearn_sigmoid.__version__
version = ".".join(release.split(".")[:2])

# -- extensions -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "performance_tables",  # docs/_ext: the performance page's tables from JSON
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "performance/_generated",  # included by performance.rst, not pages
]
root_doc = "index"
default_role = "code"  # `x` in running text is code, not a cross-reference

# autosummary writes one page per public name (docs/api/generated/), from the
# numpydoc docstrings.
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"

# numpydoc: the "Methods" and "Attributes" tables come from the docstrings;
# validation is strict on what the renderer would break on.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# numpydoc's docstring checks, as warnings (errors under -W): every parameter
# documented and described, no unknown one, a docstring on every documented
# object, summaries ending with a period.  Not checked: methods inherited from
# Python's exceptions, and DistributedObjective's solver-protocol methods
# (penalty_along, trace_lipschitz, ...), which the private objective base
# class in _objective.py documents for the solver, not for users.
numpydoc_validation_checks = {"PR01", "PR02", "PR07", "PR09", "SS03", "GL08"}
numpydoc_validation_exclude = {
    r"\.add_note$",
    r"\.with_traceback$",
    r"^sklearn_sigmoid\.dask\.DistributedObjective\.\w+$",
}

# intersphinx: the build machines have no network, so by default no inventory
# is fetched and a reference into numpy, scikit-learn, ... is plain text.  An
# online build may name inventories, e.g.
# SKLEARN_SIGMOID_DOCS_INTERSPHINX="sklearn=https://scikit-learn.org/stable".
intersphinx_mapping = {}
_INVENTORIES = os.environ.get("SKLEARN_SIGMOID_DOCS_INTERSPHINX", "")
if _INVENTORIES:  # e.g. "python=https://docs.python.org/3" for an online build
    for item in _INVENTORIES.split(","):
        name, _, url = item.partition("=")
        intersphinx_mapping[name] = (url, None)

# -- the gallery ----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",  # every plot_*.py runs at build time
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "reference_url": {"sklearn_sigmoid": None},
    "doc_module": ("sklearn_sigmoid",),
    "backreferences_dir": "api/generated/backreferences",
    "show_memory": False,
    "min_reported_time": 1,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "capture_repr": ("_repr_html_", "__repr__"),
}

# Warnings from third-party code while examples run are not build warnings.
warnings.filterwarnings(
    "ignore", category=UserWarning, message="Matplotlib is currently"
)

# -- math -----------------------------------------------------------------------
# Formulas are typeset by MathJax in the reader's browser, by default loaded
# from its CDN (Sphinx's default).  SKLEARN_SIGMOID_DOCS_MATHJAX may name the
# "es5" folder of a local MathJax 3 (npm's mathjax@3): it is then shipped with
# the pages (_static/mathjax/), so that an offline build typesets its math too
# (.ci/docs.sh does this for its render check).
_MATHJAX_DIR = os.environ.get("SKLEARN_SIGMOID_DOCS_MATHJAX")
if _MATHJAX_DIR:
    if not (Path(_MATHJAX_DIR) / "tex-mml-chtml.js").is_file():
        raise FileNotFoundError(
            f"SKLEARN_SIGMOID_DOCS_MATHJAX={_MATHJAX_DIR} has no tex-mml-chtml.js "
            "(it should name the es5 folder of npm's mathjax@3)"
        )
    mathjax_path = "mathjax/tex-mml-chtml.js"  # relative to _static


def _copy_mathjax(app, exception):
    if exception is None and _MATHJAX_DIR and app.builder.format == "html":
        shutil.copytree(
            _MATHJAX_DIR, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True
        )


# -- HTML -----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-sigmoid {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc"],
}
html_context = {"default_mode": "light"}
# Pages outside a section have nothing to navigate: no left sidebar, so that
# their wide tables and figures get the room.
html_sidebars = {"index": [], "install": [], "performance": []}


# -- docstrings inherited from scikit-learn --------------------------------------
# The estimators inherit get_params, score, set_fit_request, ... from
# scikit-learn, whose docstrings point at labels and glossary terms of
# scikit-learn's own site (:ref:`metadata_routing`, :term:`meta-estimator`).
# Those targets do not exist here: keep the text, drop the link.
_SKLEARN_ROLE = re.compile(r":(?:ref|term):`(?:([^`<]+?)\s*<[^`>]+>|([^`]+))`")


def _unlink_sklearn_roles(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn."):
        return
    for i, line in enumerate(lines):
        lines[i] = _SKLEARN_ROLE.sub(lambda m: m.group(1) or m.group(2), line)


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_roles)
    app.connect("build-finished", _copy_mathjax)
