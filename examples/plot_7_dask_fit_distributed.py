"""
====================================
Full-batch descent on a Dask cluster
====================================

:func:`~sklearn_sigmoid.dask.fit_distributed` runs the estimator's own update
rules on data split into row blocks on a Dask cluster. The objective is a
weighted mean over rows, so its value and gradient are sums over blocks:
every epoch sends the parameters to the workers and gets back numbers the
size of the parameters. The result is an ordinary fitted estimator, equal to
the in-memory ``fit`` on the same data.

This example starts a small ``LocalCluster`` of two workers in this process
(``processes=False``); with a real cluster, pass its address to ``Client``.
It needs the ``dask`` extra: ``pip install "sklearn-sigmoid[dask]"``.
"""

# %%
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from distributed import Client, LocalCluster
from sklearn.datasets import make_classification

from sklearn_sigmoid import GDLogisticRegression
from sklearn_sigmoid.dask import fit_distributed

X, y = make_classification(n_samples=20_000, n_features=30, random_state=0)

cluster = LocalCluster(
    n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
)
client = Client(cluster)
# Four row blocks; they stay on the workers that hold them.
dX = da.from_array(X, chunks=(5_000, -1)).persist()
dy = da.from_array(y, chunks=5_000).persist()

distributed_model = fit_distributed(GDLogisticRegression(), dX, dy, client=client)
memory_model = GDLogisticRegression().fit(X, y)
client.close()
cluster.close()

print(
    f"on Dask: {distributed_model.n_iter_} epochs, "
    f"stopped by {distributed_model.stop_reason_!r}"
)
print(f"in memory: {memory_model.n_iter_} epochs")
print(
    "largest coefficient difference:",
    f"{np.abs(distributed_model.coef_ - memory_model.coef_).max():.1e}",
)

# %%
# The two training curves lie on top of each other.
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot(memory_model.loss_curve_, label="in memory", linewidth=4, alpha=0.4)
ax.plot(distributed_model.loss_curve_, "--", label="fit_distributed (2 workers)")
ax.set_xlabel("epoch")
ax.set_ylabel("training objective")
ax.set_yscale("log")
ax.legend()
fig.tight_layout()
plt.show()
