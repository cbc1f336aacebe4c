/**
 * Draws one layer of a parsed file on a square canvas: the layer below faint, what the printer has
 * printed of this one (lines before its `filepos`) solid, the rest muted. Answers the printed share
 * of the layer (null without a position). Shared by the printer page's preview and the farm's thumbnails.
 */
import type { Layers } from './gcode-layers.js';

export function drawLayer(canvas: HTMLCanvasElement, layers: Layers, index: number, filepos: number | null): number | null {
  const size = canvas.width;
  const g = canvas.getContext('2d')!;
  const style = getComputedStyle(canvas);
  g.clearRect(0, 0, size, size);
  const layer = layers.layers[index];
  if (!layer) return null;
  const margin = Math.max(2, Math.round(size / 40));
  const { minX, minY, maxX, maxY } = layers.bounds;
  const scale = (size - 2 * margin) / Math.max(maxX - minX, maxY - minY, 1);
  const px = (x: number) => margin + (x - minX) * scale;
  const py = (y: number) => size - margin - (y - minY) * scale;
  const below = layers.layers[index - 1];
  if (below) {
    g.strokeStyle = style.getPropertyValue('--line');
    g.lineWidth = 1;
    g.beginPath();
    for (let i = 0; i < below.segments.length; i += 4) g.moveTo(px(below.segments[i]!), py(below.segments[i + 1]!)), g.lineTo(px(below.segments[i + 2]!), py(below.segments[i + 3]!));
    g.stroke();
  }
  let done = 0;
  const count = layer.offsets.length;
  for (const printed of [false, true]) {
    g.strokeStyle = printed ? style.getPropertyValue('--ok') : style.getPropertyValue('--muted');
    g.globalAlpha = printed ? 1 : 0.45;
    g.lineWidth = size >= 200 ? 1.5 : 1;
    g.beginPath();
    for (let s = 0; s < count; s++) {
      const isPrinted = filepos !== null && layer.offsets[s]! < filepos;
      if (isPrinted) done += printed ? 1 : 0;
      if (isPrinted !== printed) continue;
      const i = s * 4;
      g.moveTo(px(layer.segments[i]!), py(layer.segments[i + 1]!));
      g.lineTo(px(layer.segments[i + 2]!), py(layer.segments[i + 3]!));
    }
    g.stroke();
  }
  g.globalAlpha = 1;
  return filepos === null ? null : count ? done / count : 0;
}
