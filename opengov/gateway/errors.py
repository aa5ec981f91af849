"""The gateway's two kinds of failure."""


class SourceError(ValueError):
    """A source declaration (or its environment) is unusable: fix the sources file."""


class HarvestError(RuntimeError):
    """An upstream answered something we cannot use (error status, malformed body, a paging
    loop): the harvest of that source fails and the previous data stays."""
