# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Where the "?" of an estimator's HTML repr points: its API page.

scikit-learn's HTML representation (in notebooks) shows a "?" linking to
the documentation of each estimator whose module starts with
``_doc_link_module``; the URL is ``_doc_link_template`` formatted with
``estimator_module`` (the module path up to the first private part, e.g.
``sklearn_sigmoid`` for ``sklearn_sigmoid._classifier``) and
``estimator_name``.  The documentation's API reference (``docs/api/``)
writes one page per public name at ``api/generated/<module>.<name>.html``,
so the template below names exactly that page.  The site's address is the
documented default; no public site exists yet.
"""

#: The documentation site's root (the "stable" build).
DOC_ROOT = "https://sklearn-sigmoid.readthedocs.io/en/stable"

#: The URL of an estimator's API page, as scikit-learn's repr formats it.
DOC_LINK_TEMPLATE = DOC_ROOT + "/api/generated/{estimator_module}.{estimator_name}.html"

#: The package whose estimators get the link.
DOC_LINK_MODULE = "sklearn_sigmoid"
