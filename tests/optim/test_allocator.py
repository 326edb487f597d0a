"""The allocator setting is harmless: it either takes or is refused, and nothing changes."""

from __future__ import annotations

import numpy as np

from optim import Adam, run
from optim.allocator import keep_freed_memory


def test_keeping_freed_memory_changes_no_result():
    before = run(Adam(learning_rate=0.05), "himmelblau", np.zeros((50, 2)), 30, record="final")
    assert keep_freed_memory(16) in (True, False)
    after = run(Adam(learning_rate=0.05), "himmelblau", np.zeros((50, 2)), 30, record="final")
    np.testing.assert_array_equal(before.final_params, after.final_params)
