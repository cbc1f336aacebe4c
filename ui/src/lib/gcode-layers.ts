/**
 * A G-code file's extrusion moves by layer, for the layer preview: each layer's segments (x0, y0,
 * x1, y1) with the byte offset of the line that draws each one, so the part a printer has printed
 * (its `filepos`) can be told from the rest. Absolute and relative XYZ (G90/G91) and E (M82/M83, G92)
 * are followed; arcs are drawn as their chord. Pure: runs in a worker.
 */
export interface Layer {
  z: number;
  /** x0, y0, x1, y1 per segment */
  segments: Float32Array;
  /** the byte offset where each segment's line starts */
  offsets: Float64Array;
}

export interface Layers {
  layers: Layer[];
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

const WORD = /([GXYZEFM])(-?\d*\.?\d+)/g;

export function parseLayers(text: string): Layers {
  const layers = new Map<number, { z: number; segments: number[]; offsets: number[] }>();
  let x = 0;
  let y = 0;
  let z = 0;
  let e = 0;
  let absolute = true;
  let absoluteE = true;
  let offset = 0;
  const bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const raw of text.split('\n')) {
    const start = offset;
    offset += raw.length + 1;
    const line = raw.split(';', 1)[0]!.trim().toUpperCase();
    if (!line) continue;
    const words: Record<string, number> = {};
    for (const [, letter, value] of line.matchAll(WORD)) if (!(letter! in words)) words[letter!] = Number(value);
    const g = words['G'];
    const m = words['M'];
    if (g === 90) absolute = absoluteE = true;
    else if (g === 91) absolute = absoluteE = false;
    else if (m === 82) absoluteE = true;
    else if (m === 83) absoluteE = false;
    else if (g === 92) {
      if (words['E'] !== undefined) e = words['E'];
    } else if (g === 0 || g === 1 || g === 2 || g === 3) {
      const nx = words['X'] === undefined ? x : absolute ? words['X'] : x + words['X'];
      const ny = words['Y'] === undefined ? y : absolute ? words['Y'] : y + words['Y'];
      const nz = words['Z'] === undefined ? z : absolute ? words['Z'] : z + words['Z'];
      const ne = words['E'] === undefined ? e : absoluteE ? words['E'] : e + words['E'];
      if (ne > e && (nx !== x || ny !== y)) {
        const key = Math.round(nz * 1000);
        let layer = layers.get(key);
        if (!layer) layers.set(key, (layer = { z: nz, segments: [], offsets: [] }));
        layer.segments.push(x, y, nx, ny);
        layer.offsets.push(start);
        bounds.minX = Math.min(bounds.minX, x, nx);
        bounds.maxX = Math.max(bounds.maxX, x, nx);
        bounds.minY = Math.min(bounds.minY, y, ny);
        bounds.maxY = Math.max(bounds.maxY, y, ny);
      }
      x = nx;
      y = ny;
      z = nz;
      e = ne;
    }
  }
  const sorted = [...layers.values()].sort((a, b) => a.z - b.z);
  return {
    layers: sorted.map((l) => ({ z: l.z, segments: Float32Array.from(l.segments), offsets: Float64Array.from(l.offsets) })),
    bounds: Number.isFinite(bounds.minX) ? bounds : { minX: 0, minY: 0, maxX: 1, maxY: 1 },
  };
}

/** The index of the layer at height `z` (the highest layer not above it), or -1 below the first. */
export function layerAt(layers: readonly Layer[], z: number): number {
  let found = -1;
  for (let i = 0; i < layers.length && layers[i]!.z <= z + 1e-6; i++) found = i;
  return found;
}
