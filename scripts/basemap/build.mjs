// Regenerates kizuna/views/basemap.geojson from Natural Earth as the npm package world-atlas ships it:
//   cd scripts/basemap && npm ci && node build.mjs
// Japan at 1:10m, every other country near the program or the participants' homes at 1:50m, both simplified.
import fs from "node:fs";
import * as topojson from "topojson-client";
import { presimplify, simplify } from "topojson-simplify";

const TINTS = 4; // neighbouring countries get different tints, so borders show without a line layer

const AREA = [60, -15, 160, 60]; // west, south, east, north: Japan, its neighbours, South and Southeast Asia
const DETAILED = new Set(["Japan"]);
const WEIGHTS = { "10m": 2e-4, "50m": 4e-3 }; // smallest triangle area kept, in square degrees
const OUT = new URL("../../kizuna/views/basemap.geojson", import.meta.url);

function countries(scale) {
  const path = new URL(`node_modules/world-atlas/countries-${scale}.json`, import.meta.url);
  const topology = simplify(presimplify(JSON.parse(fs.readFileSync(path))), WEIGHTS[scale]);
  const geometries = topology.objects.countries.geometries;
  const neighbours = topojson.neighbors(geometries);
  const tints = [];
  geometries.forEach((_, i) => {
    const taken = new Set(neighbours[i].map((j) => tints[j]));
    tints[i] = [...Array(TINTS).keys()].find((tint) => !taken.has(tint)) ?? 0;
  });
  const features = topojson.feature(topology, topology.objects.countries).features;
  return features.map((f, i) => ({ ...f, properties: { ...f.properties, tint: tints[i] } }));
}

function inArea(ring) {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  return Math.max(...xs) >= AREA[0] && Math.min(...xs) <= AREA[2] && Math.max(...ys) >= AREA[1] && Math.min(...ys) <= AREA[3];
}

// Only the islands and land masses that reach into the area: not Hawaii, Alaska or European Russia.
function polygonsInArea(geometry) {
  const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
  return polygons.filter((polygon) => inArea(polygon[0]));
}

function rounded(coordinates) {
  return Array.isArray(coordinates[0]) ? coordinates.map(rounded) : coordinates.map((v) => Math.round(v * 1e3) / 1e3);
}

const detailed = countries("10m").filter((f) => DETAILED.has(f.properties.name));
const others = countries("50m").filter((f) => !DETAILED.has(f.properties.name) && f.geometry);
const features = [...detailed, ...others]
  .map((f) => ({ name: f.properties.name, tint: f.properties.tint, polygons: polygonsInArea(f.geometry) }))
  .filter((f) => f.polygons.length)
  .map((f) => ({
    type: "Feature",
    properties: { name: f.name, tint: f.tint },
    geometry: { type: "MultiPolygon", coordinates: rounded(f.polygons) },
  }));
fs.writeFileSync(OUT, JSON.stringify({ type: "FeatureCollection", features }) + "\n");
console.log(`${features.length} countries, ${fs.statSync(OUT).size} bytes -> ${OUT.pathname}`);
