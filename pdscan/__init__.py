"""pdscan: personal data discovery for Finnish and EU organisations.

The library is usable on its own; the ``pdscan`` command is a thin click layer over :func:`pdscan.scan.scan`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pdscan")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
