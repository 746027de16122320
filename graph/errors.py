"""The errors a build can end with; each names where in the inputs the problem is."""


class BuildError(Exception):
    """A build cannot go on: the message says where and why, in one line."""


class AnnotationError(BuildError):
    """An annotation is wrong: ``location`` is ``file: entry/field``."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
