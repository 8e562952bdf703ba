"""Where the team's shared folder is: ``../shared`` beside the checkout (as CI lays it), or $THEODOI_SHARED."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("THEODOI_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
REAL = SHARED / "real"
