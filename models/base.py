"""The one base class every model shares: frozen and strict, so stages return new objects."""

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable model that rejects unknown fields (a typo in a field name is a bug, not data)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
