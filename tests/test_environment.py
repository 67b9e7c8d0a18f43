"""The machine record of the results files."""

import json

import numpy as np
import scipy
import sklearn

from sklearn_sigmoid import __version__
from sklearn_sigmoid._environment import machine_info, machine_line


def test_machine_info_records_cpu_versions_blas_and_threads(tmp_path, monkeypatch):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nvendor_id\t: Test\n"
        "model name\t: Test   CPU  9000 @ 3.0GHz\nflags\t: fpu\n"
    )
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    info = machine_info(blas_threads_during_fits=1, cpuinfo=str(cpuinfo))
    assert info["cpu_model"] == "Test CPU 9000 @ 3.0GHz"  # spaces collapsed
    assert info["cpu_count"] >= 1 and 1 <= info["usable_cores"] <= info["cpu_count"]
    assert info["packages"] == {
        "sklearn-sigmoid": __version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "threadpoolctl": info["packages"]["threadpoolctl"],
    }
    assert any(pool["user_api"] == "blas" for pool in info["blas"])
    assert info["thread_env"]["OMP_NUM_THREADS"] == "1"
    assert info["blas_threads_during_fits"] == 1
    json.dumps(info)  # JSON-ready
    line = machine_line(info)
    assert line.startswith(f"Test CPU 9000 @ 3.0GHz, {info['usable_cores']} cores, ")
    assert f"scipy {scipy.__version__}" in line and "BLAS " in line


def test_cpu_model_falls_back_without_proc_cpuinfo(tmp_path):
    info = machine_info(cpuinfo=str(tmp_path / "missing"))
    assert isinstance(info["cpu_model"], str) and info["cpu_model"]
