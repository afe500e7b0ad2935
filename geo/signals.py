"""Transitional: the location-signal values live in ``geo.location_signals``.

Only two importers still use this name, each owned by another branch while issue 18
is worked (``entitlements/services/tokens.py``, ``geo/mmdb_build.py``). Once they
import ``geo.location_signals``, delete this module.
"""

from geo.location_signals import ANONYMIZER_FLAGS, GeoSignals

__all__ = ["ANONYMIZER_FLAGS", "GeoSignals"]
