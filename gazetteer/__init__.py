"""gazetteer: names to places.

The embedded gazetteer is a SQLite file built from GeoNames and Natural Earth data shipped by PyPI
packages (see README), on first use or by ``geomap gazetteer build``.  Full GeoNames dumps can be
imported with :func:`import_geonames`.
"""

from ._build import BuildReport, CacheNotWritableError, attach_geometries, build, source_fingerprint
from ._import import (
    DumpEncodingError,
    DumpUnreadableError,
    GeoNamesDumpWarning,
    ImportReport,
    OutputNotWritableError,
    import_geonames,
)
from ._names import normalize
from ._online import OnlineAnswer, OnlineGeocoder, OnlineGeocoderError
from ._store import Gazetteer, default_path, name_keys_path, open_gazetteer, write_name_keys
from ._types import (
    KINDS,
    Candidate,
    DumpFormatError,
    GazetteerError,
    GazetteerNotBuiltError,
    GazetteerNotReadableError,
    InvalidGazetteerError,
)

__all__ = [
    "KINDS",
    "BuildReport",
    "CacheNotWritableError",
    "Candidate",
    "DumpEncodingError",
    "DumpFormatError",
    "DumpUnreadableError",
    "Gazetteer",
    "GazetteerError",
    "GazetteerNotBuiltError",
    "GazetteerNotReadableError",
    "GeoNamesDumpWarning",
    "ImportReport",
    "InvalidGazetteerError",
    "OnlineAnswer",
    "OnlineGeocoder",
    "OnlineGeocoderError",
    "OutputNotWritableError",
    "attach_geometries",
    "build",
    "default_path",
    "import_geonames",
    "name_keys_path",
    "normalize",
    "open_gazetteer",
    "source_fingerprint",
    "write_name_keys",
]
