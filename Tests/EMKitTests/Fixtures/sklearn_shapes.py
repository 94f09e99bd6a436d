"""Shape conversions shared by the scikit-learn fixture scripts (import inside the venv: needs numpy)."""

import numpy as np


def covariances_to_full(cov, sk_type, k, d):
    """Covariances in scikit-learn's per-type shape (full K x D x D, tied D x D, diag K x D,
    spherical K) as K x D x D matrices."""
    cov = np.asarray(cov, dtype=np.float64)
    if sk_type == "full":
        return cov.reshape(k, d, d)
    if sk_type == "tied":
        return np.repeat(cov.reshape(1, d, d), k, axis=0)
    if sk_type == "diag":
        return np.array([np.diag(cov[i]) for i in range(k)])
    if sk_type == "spherical":
        return np.array([np.eye(d) * cov[i] for i in range(k)])
    raise ValueError(sk_type)
