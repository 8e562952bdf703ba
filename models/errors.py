"""Exceptions with exit codes, after OCRmyPDF's exceptions.py: one shared base, never string codes."""

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    bad_args = 1
    input_file = 2
    missing_dependency = 3
    registry_error = 4
    partial_batch = 5
    other_error = 15
    ctrl_c = 130


class TheodoiError(Exception):
    """Base of every error theodoi raises on purpose; the CLI maps it to ``exit_code``."""

    exit_code = ExitCode.other_error


class BadArgsError(TheodoiError):
    exit_code = ExitCode.bad_args


class InputFileError(TheodoiError):
    """The file cannot be read as a document (empty, corrupt, encrypted, wrong type, too large)."""

    exit_code = ExitCode.input_file


class NoTasksFound(InputFileError):
    """The file was read but holds no task matrix and no directive: nothing to register."""


class MissingDependencyError(TheodoiError):
    """An external program or data file is missing (tesseract, vie.traineddata, LibreOffice)."""

    exit_code = ExitCode.missing_dependency


class RegistryError(TheodoiError):
    exit_code = ExitCode.registry_error
