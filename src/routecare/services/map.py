"""Placing services on an inline SVG map drawn on the server.

Deployments reach no tile server and the page's CSP allows only 'self', so the map is a plain
equirectangular projection of the points onto a viewBox, with a graticule for orientation.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import cos, radians

from routecare.services.schemas import ServiceOut

WIDTH = 360.0
MARGIN = 12.0
MIN_SPAN_DEGREES = 2.0


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    service: ServiceOut


@dataclass(frozen=True)
class GridLine:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class ServiceMap:
    width: float
    height: float
    points: list[MapPoint]
    grid: list[GridLine]


def service_map(services: list[ServiceOut]) -> ServiceMap | None:
    """Project the services into an SVG viewBox; None when there is nothing to place."""
    if not services:
        return None
    lats = [s.latitude for s in services]
    lons = [s.longitude for s in services]
    south, north = min(lats), max(lats)
    west, east = min(lons), max(lons)
    pad_lat = max(MIN_SPAN_DEGREES - (north - south), 0) / 2 + 0.5
    pad_lon = max(MIN_SPAN_DEGREES - (east - west), 0) / 2 + 0.5
    south, north, west, east = south - pad_lat, north + pad_lat, west - pad_lon, east + pad_lon
    # Shrink longitudes by cos(mid-latitude) so shapes are not stretched sideways.
    aspect = cos(radians((south + north) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((east - west) * aspect)
    height = (north - south) * scale + 2 * MARGIN

    def x_of(lon: float) -> float:
        return round(MARGIN + (lon - west) * aspect * scale, 1)

    def y_of(lat: float) -> float:
        return round(MARGIN + (north - lat) * scale, 1)

    grid = [
        GridLine(x_of(lon), MARGIN, x_of(lon), height - MARGIN, f"{lon}°")
        for lon in _whole_degrees(west, east)
    ] + [
        GridLine(MARGIN, y_of(lat), WIDTH - MARGIN, y_of(lat), f"{lat}°")
        for lat in _whole_degrees(south, north)
    ]
    points = [MapPoint(x_of(s.longitude), y_of(s.latitude), s) for s in services]
    return ServiceMap(WIDTH, round(height, 1), points, grid)


def _whole_degrees(low: float, high: float) -> list[int]:
    """About five evenly spaced whole-degree lines between low and high."""
    step = max(1, round((high - low) / 5))
    first = int(low // step + 1) * step
    return list(range(first, int(high) + 1, step))
