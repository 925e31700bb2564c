"""Errors a training or evaluation run stops on; each message is one line saying what to fix,
so the command line shows it as it is instead of a traceback."""


class TrainingError(Exception):
    """Base of every error training and evaluation raise on purpose."""


class DatasetLayoutError(TrainingError):
    """A dataset folder is missing, or not laid out as its layout expects."""


class NoReadableImages(TrainingError):
    """A split holds no image that can be read."""


class RunExists(TrainingError):
    """The output folder already holds a run and `--resume` was not given."""


class RunMismatch(TrainingError):
    """`--resume` was asked for a folder whose saved run has other settings, or whose saved
    state does not fit the model those settings build."""
