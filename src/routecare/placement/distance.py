"""Travel distance between two points, estimated without a road network.

No routing engine or map service is reachable from a deployment, so the distance is the
great-circle (haversine) distance multiplied by a road factor. 1.4 is a common circuity
estimate for road travel; it ranks places sensibly but is not a driving time.
"""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.4


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(a))


def travel_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Estimated road distance: great-circle distance times the road factor."""
    return great_circle_km(lat1, lon1, lat2, lon2) * ROAD_FACTOR
