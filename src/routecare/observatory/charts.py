"""Charts of one protected table, laid out on the server as SVG geometry (the pages draw it;
no script, no outside network).

Every chart reads the margins of the one table the analyst asked for, never a second query:
two tables protected apart could reveal together what each hides. A suppressed margin is drawn
as a hatched stub labelled as hidden, never as a bar of a guessed height.
"""

from __future__ import annotations

from dataclasses import dataclass

from routecare.observatory.disclosure.hypercube import ALL
from routecare.observatory.schemas import CrossTabOut, Dimension

WIDTH = 360.0
BAR_HEIGHT = 18.0
LABEL_WIDTH = 110.0
# Approximate centroids (longitude, latitude) of countries on the routes the product serves.
CENTROIDS: dict[str, tuple[float, float]] = {
    "BFA": (-1.6, 12.3), "CIV": (-5.5, 7.5), "CMR": (12.4, 5.7), "DZA": (2.6, 28.0),
    "EGY": (30.8, 26.8), "ERI": (39.8, 15.2), "ESP": (-3.7, 40.4), "ETH": (40.5, 9.1),
    "GHA": (-1.0, 7.9), "GIN": (-10.9, 10.4), "GMB": (-15.3, 13.4), "GRC": (22.0, 39.1),
    "ITA": (12.6, 42.5), "LBY": (17.2, 26.3), "MAR": (-7.1, 31.8), "MLI": (-4.0, 17.6),
    "MLT": (14.4, 35.9), "NER": (8.1, 17.6), "NGA": (8.7, 9.1), "SDN": (30.2, 12.9),
    "SEN": (-14.5, 14.5), "SOM": (46.2, 5.2), "TCD": (18.7, 15.5), "TUN": (9.5, 33.9),
}  # fmt: skip
WEST, EAST, SOUTH, NORTH = -20.0, 50.0, 0.0, 46.0


@dataclass(frozen=True)
class Bar:
    label: str
    count: int | None  # None: hidden
    y: float
    width: float


@dataclass(frozen=True)
class Point:
    label: str
    count: int | None
    x: float
    y: float


@dataclass(frozen=True)
class Link:
    origin: str
    destination: str
    count: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True)
class Charts:
    dimension: str
    bars: list[Bar]
    series: list[Point]  # by month, when month is a dimension
    places: list[Point]  # countries on the map
    links: list[Link]  # origin → identification, when route is a dimension
    height: float


def margins(table: CrossTabOut, dimension: Dimension) -> dict[str, int | None]:
    """The table's one-way margin of `dimension`: each value with every other position 'All'."""
    position = table.dimensions.index(dimension)
    return {
        cell.key[position]: cell.count
        for cell in table.cells
        if cell.key[position] != ALL
        and all(value == ALL for i, value in enumerate(cell.key) if i != position)
    }


def charts_of(table: CrossTabOut) -> Charts:
    first = margins(table, table.dimensions[0])
    largest = max((count or 0 for count in first.values()), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 40) / largest
    bars = [
        Bar(label, count, index * (BAR_HEIGHT + 6), (count or 0) * scale)
        for index, (label, count) in enumerate(sorted(first.items()))
    ]
    return Charts(
        dimension=table.dimensions[0].value,
        bars=bars,
        series=_series(table),
        places=_places(table),
        links=_links(table),
        height=max(len(bars), 1) * (BAR_HEIGHT + 6),
    )


def _series(table: CrossTabOut) -> list[Point]:
    if Dimension.MONTH not in table.dimensions:
        return []
    months = sorted(margins(table, Dimension.MONTH).items())
    top = max((count or 0 for _, count in months), default=0) or 1
    step = (WIDTH - 40) / max(len(months) - 1, 1)
    return [
        Point(month, count, 20 + index * step, 130 - 110 * (count or 0) / top)
        for index, (month, count) in enumerate(months)
    ]


def project(country: str) -> tuple[float, float] | None:
    if country not in CENTROIDS:
        return None
    longitude, latitude = CENTROIDS[country]
    x = (longitude - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - latitude) / (NORTH - SOUTH) * (WIDTH * (NORTH - SOUTH) / (EAST - WEST))
    return round(x, 1), round(y, 1)


def _places(table: CrossTabOut) -> list[Point]:
    for dimension in (
        Dimension.COUNTRY_OF_IDENTIFICATION,
        Dimension.REPORTING_COUNTRY,
        Dimension.NATIONALITY,
        Dimension.COUNTRY_OF_ORIGIN,
        Dimension.EACH_TRANSIT_COUNTRY,
    ):
        if dimension in table.dimensions:
            places = []
            for country, count in sorted(margins(table, dimension).items()):
                where = project(country)
                if where is not None:
                    places.append(Point(country, count, *where))
            return places
    return []


def _links(table: CrossTabOut) -> list[Link]:
    if Dimension.ROUTE not in table.dimensions:
        return []
    routes = margins(table, Dimension.ROUTE)
    top = max((count or 0 for count in routes.values()), default=0) or 1
    links = []
    for route, count in sorted(routes.items()):
        stops = route.split(">")
        start, end = project(stops[0]), project(stops[-1])
        if count is None or start is None or end is None:
            continue  # a hidden flow is not drawn
        (x1, y1), (x2, y2) = start, end
        links.append(
            Link(stops[0], stops[-1], count, x1, y1, x2, y2, round(1 + 7 * count / top, 1))
        )
    return links
