"""wipestation: keep a repair shop's privacy promises about storage media, with proof."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wipestation")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
