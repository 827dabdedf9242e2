from __future__ import annotations

import pytest

from junheng.standards import Standard, load_standard


@pytest.fixture
def national() -> Standard:
    return load_standard("national-2017")
