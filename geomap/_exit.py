"""Exit codes of the ``geomap`` command (documented in the README; a contract for users' scripts)."""

from enum import IntEnum

__all__ = ["Exit"]


class Exit(IntEnum):
    OK = 0
    #: An unexpected internal error (a bug): the traceback is printed.
    INTERNAL = 1
    #: Wrong usage: unknown option, missing argument (argparse's own code).
    USAGE = 2
    #: The gazetteer is missing, corrupt, foreign, or cannot be built where asked.
    GAZETTEER = 3
    #: Some inputs could not be read (each named on stderr); the others were processed and written.
    SOME_INPUTS_FAILED = 4
    #: No input could be read: nothing was written.
    NO_INPUT = 5
    #: An output file could not be written (nothing partial is left behind).
    OUTPUT = 6
    #: A data file (GeoNames dump, corpus, vocabulary) has malformed rows under the "raise" policy.
    BAD_DATA = 7
    #: The online geocoder was asked for and failed.
    ONLINE = 8
