"""pdscan: personal data discovery for Finnish and EU organisations.

The library is usable on its own; the ``pdscan`` command is a thin click layer over :func:`pdscan.scan.scan`.
"""

# The one place the version is written: pyproject.toml reads it from here ([tool.hatch.version]). A literal, not
# importlib.metadata: importing that took 0.05 s of every run's start (issue 25).
__version__ = "0.1.0"

__all__ = ["__version__"]
