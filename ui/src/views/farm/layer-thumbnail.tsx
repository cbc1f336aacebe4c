/**
 * A printing card's thumbnail: the layer its printer is on, what is printed of it solid. Cheap for a
 * farm: nothing is fetched until the card is on screen, each file is parsed once in a worker
 * (lib/layer-files.ts), and the canvas is drawn again only when the layer or a tenth of it changes,
 * not on every `current`.
 */
import type { Signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Layers } from '../../lib/gcode-layers.js';
import { layerAt } from '../../lib/gcode-layers.js';
import { drawLayer } from '../../lib/layer-draw.js';
import { layersOf } from '../../lib/layer-files.js';
import type { Card } from '../../push/farm-stream.js';

const SIZE = 72;

/** Until the element is on screen (or near it): false. `drawn`: whether the element is in the page yet (watched from when it is). */
function useSeen(element: { current: Element | null }, drawn: boolean): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (seen || !element.current) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), { rootMargin: '200px' });
    observer.observe(element.current);
    return () => observer.disconnect();
  }, [seen, drawn]);
  return seen;
}

/** How many of the (ascending) offsets are below `position`. */
function countBelow(offsets: Float64Array, position: number): number {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle]! < position) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function LayerThumbnail({ card }: { card: Signal<Card> }) {
  const live = card.value.live;
  const file = live?.job.file;
  const path = file?.origin === 'local' ? file.path : null;
  const canvas = useRef<HTMLCanvasElement>(null);
  // the canvas comes with the first push update (the listed card has no live state yet): watched from then
  const seen = useSeen(canvas, path !== null);
  const [layers, setLayers] = useState<{ path: string; layers: Layers } | null>(null);
  const drawn = useRef('');

  useEffect(() => {
    if (!seen || !path || layers?.path === path) return;
    let current = true;
    layersOf(path, `${file?.date ?? ''}:${file?.size ?? ''}`).then(
      (parsed) => current && setLayers({ path, layers: parsed }),
      () => undefined,
    );
    return () => void (current = false);
  }, [seen, path]);

  const parsed = layers?.path === path ? layers.layers : null;
  const index = parsed && live?.currentZ != null ? layerAt(parsed.layers, live.currentZ) : -1;
  const filepos = live?.progress.filepos ?? null;
  useEffect(() => {
    const layer = parsed?.layers[index];
    if (!canvas.current || !parsed || !layer) return;
    // the printed tenth of the layer: a new drawing when it changes, not on every update
    const count = layer.offsets.length;
    const printed = filepos === null ? 0 : countBelow(layer.offsets, filepos);
    const key = `${path}:${index}:${Math.floor((printed / Math.max(count, 1)) * 10)}`;
    if (key === drawn.current) return;
    drawn.current = key;
    drawLayer(canvas.current, parsed, index, filepos);
  });
  // no file, or one with no layers to draw (moves only): an empty frame says nothing
  if (!path || parsed?.layers.length === 0) return null;
  return <canvas ref={canvas} class="thumb" width={SIZE} height={SIZE} role="img" aria-label={parsed && index >= 0 ? `Layer ${index + 1} of ${parsed.layers.length}` : `Layer preview of ${file?.name ?? path}`} data-layer={index >= 0 ? index + 1 : undefined} />;
}
