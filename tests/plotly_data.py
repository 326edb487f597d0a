"""Read arrays back out of a Plotly figure spec, as the browser receives it."""

from __future__ import annotations

import base64

import numpy as np


def values(array: object) -> np.ndarray:
    """Plotly sends NumPy arrays as {"dtype", "bdata", "shape"} (base64, shape "r,c" for 2-D);
    lists come as they are."""
    if isinstance(array, dict):
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = array.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.asarray(array)
