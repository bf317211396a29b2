"""The route flow diagram: a Sankey-like chart of the `route` margin of one protected table,
laid out on the server as SVG geometry (the page draws it; no script, no outside network).

Columns run origin → each transit leg → identification; every route is one band through its
stops, as wide as its published count. The diagram reads nothing but the table's cells after
suppression, so a hidden route has no count to draw: it is a dashed hairline of one fixed
thickness, whatever the children behind it, and every width on the page is a published figure.
Right to left (Arabic), the columns are mirrored, so the flow reads in the page's direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from routecare.observatory.charts import margins
from routecare.observatory.schemas import CrossTabOut, Dimension

WIDTH = 360.0  # the other charts' width: readable on a 390 px phone
COLUMN_GAP = 80.0  # at least, between columns: room for a short country name
NODE_WIDTH = 8.0
HEADER = 22.0  # column headings above the nodes
NODE_GAP = 10.0
BAND_SPACE = 200.0  # the busiest column's published bands fill this height
SMALLEST_BAND = 2.0  # a published route stays visible, however small beside the others
HIDDEN_BAND = 4.0  # a hidden route's slot: fixed, it says nothing about the count


@dataclass(frozen=True)
class Node:
    """A country in one column: origin (0), a transit leg, or identification (the last)."""

    column: int
    country: str
    x: float
    y: float
    height: float
    label_x: float
    anchor: str  # start: the label follows the node in reading order; end: it precedes it


@dataclass(frozen=True)
class Band:
    """One route through its stops; `count` None when the table hides it."""

    stops: tuple[str, ...]
    count: int | None
    path: str  # SVG path data of the band's centre line
    width: float  # stroke width; for a hidden route the fixed slot, drawn as a hairline


@dataclass(frozen=True)
class RouteDiagram:
    width: float
    height: float
    headings: list[tuple[float, str]]  # each column heading's x and text-anchor
    nodes: list[Node]
    bands: list[Band]
    right_to_left: bool


def route_diagram(table: CrossTabOut, *, right_to_left: bool = False) -> RouteDiagram | None:
    """The diagram of `table`'s route margin, None when the table has no `route` dimension or
    no route of two or more countries (`unknown` is listed in the table, not drawn)."""
    if Dimension.ROUTE not in table.dimensions:
        return None
    routes = {
        tuple(route.split(">")): count
        for route, count in margins(table, Dimension.ROUTE).items()
        if route.count(">") >= 1 and count != 0
    }
    if not routes:
        return None
    last = max(len(stops) for stops in routes) - 1
    # Stop i of a route sits in column i, except its last, which is always identification.
    placed = {stops: [*range(len(stops) - 1), last] for stops in routes}
    column_totals = [0] * (last + 1)
    for stops, count in routes.items():
        for column in placed[stops]:
            column_totals[column] += count or 0
    scale = BAND_SPACE / max(max(column_totals), 1)

    def thickness(count: int | None) -> float:
        return HIDDEN_BAND if count is None else max(SMALLEST_BAND, round(count * scale, 1))

    # Nodes of a column, busiest first; bands in the order of the nodes they pass through.
    through: dict[tuple[int, str], float] = {}
    for stops, count in routes.items():
        for column, country in zip(placed[stops], stops, strict=True):
            through[column, country] = through.get((column, country), 0) + thickness(count)
    rank = {
        key: index
        for column in range(last + 1)
        for index, key in enumerate(
            sorted((key for key in through if key[0] == column), key=lambda k: (-through[k], k[1]))
        )
    }
    order = sorted(
        routes,
        key=lambda s: [rank[c, country] for c, country in zip(placed[s], s, strict=True)],
    )
    width = max(WIDTH, last * COLUMN_GAP + 2 * NODE_WIDTH)
    step = (width - NODE_WIDTH) / last

    def x_of(column: int) -> float:
        return column * step

    def mirror(x: float) -> float:
        return round(width - x, 1) if right_to_left else round(x, 1)

    tops: dict[tuple[int, str], float] = {}
    height = HEADER
    for column in range(last + 1):
        y = HEADER
        for key in sorted((key for key in through if key[0] == column), key=rank.__getitem__):
            tops[key] = y
            y += through[key] + NODE_GAP
        height = max(height, y)
    nodes = []
    for (column, country), top in tops.items():
        left = x_of(column)
        ends = column == last
        label = left - 4 if ends else left + NODE_WIDTH + 4
        nodes.append(
            Node(
                column=column,
                country=country,
                x=mirror(left + NODE_WIDTH) if right_to_left else round(left, 1),
                y=round(top, 1),
                height=round(through[column, country], 1),
                label_x=mirror(label),
                anchor="end" if ends else "start",
            )
        )
    filled = dict.fromkeys(tops, 0.0)
    bands = []
    for stops in order:
        count = routes[stops]
        band = thickness(count)
        points = []
        for column, country in zip(placed[stops], stops, strict=True):
            middle = tops[column, country] + filled[column, country] + band / 2
            filled[column, country] += band
            points.append((x_of(column), round(middle, 1)))
        path = f"M{mirror(points[0][0] + NODE_WIDTH)},{points[0][1]}"
        for index, ((x1, y1), (x2, y2)) in enumerate(pairwise(points)):
            bend = (x2 - x1 - NODE_WIDTH) / 2
            first, second = mirror(x1 + NODE_WIDTH + bend), mirror(x2 - bend)
            path += f" C{first},{y1} {second},{y2} {mirror(x2)},{y2}"
            if index < len(points) - 2:  # through a transit node, to its far side
                path += f" H{mirror(x2 + NODE_WIDTH)}"
        bands.append(Band(stops=stops, count=count, path=path, width=band))
    return RouteDiagram(
        width=round(width, 1),
        height=round(height, 1),
        headings=[
            (mirror(2.0), "start"),
            *[(mirror(x_of(column) + NODE_WIDTH / 2), "middle") for column in range(1, last)],
            (mirror(width - 2), "end"),
        ],
        nodes=sorted(nodes, key=lambda node: (node.column, node.y)),
        bands=bands,
        right_to_left=right_to_left,
    )
