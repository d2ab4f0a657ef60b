"""The exceptions and warnings of silkgraph (raised by the Rust extension)."""


class Error(Exception):
    """Any error of silkgraph; the message is the one the CLI prints after ``silkgraph: error:``."""


class InputError(Error, OSError):
    """An input (corpus file, directory, gazetteer directory, graph file) cannot be read."""


class DataError(Error, ValueError):
    """Invalid data or arguments: a gazetteer or rule file, a snapshot, an option, an empty corpus."""


class ExtractWarning(UserWarning):
    """A warning of an extraction (empty or binary file, invalid UTF-8, over-long sentence),
    as the CLI prints it after ``silkgraph: warning:``."""
