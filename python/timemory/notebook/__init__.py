"""timemory.notebook -- reserved for Jupyter helpers; the original toolkit listed this package
without shipping any code in it, and so does this build."""

__all__ = []
