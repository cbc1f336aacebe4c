/**
 * The layer preview: the job's file drawn layer by layer on a canvas, the printing layer by
 * default (what is printed solid, the rest faint, and how far the layer is), or any layer by the
 * slider. The file is fetched with the sign-in's header and parsed in a worker once per job file.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { currentCredential, reasonOf } from '../../api/http.js';
import { Notice } from '../../components/notice.js';
import { layerAt, type Layers } from '../../lib/gcode-layers.js';
import { encodePath } from '../../lib/page.js';
import type { PrinterStream } from '../../push/printer-stream.js';

const SIZE = 320;

function parseInWorker(text: string): Promise<Layers> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./layer-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<Layers>) => (worker.terminate(), resolve(e.data));
    worker.onerror = (e) => (worker.terminate(), reject(new Error(e.message)));
    worker.postMessage(text);
  });
}

function draw(canvas: HTMLCanvasElement, layers: Layers, index: number, filepos: number | null): number | null {
  const g = canvas.getContext('2d')!;
  const style = getComputedStyle(canvas);
  g.clearRect(0, 0, SIZE, SIZE);
  const layer = layers.layers[index];
  if (!layer) return null;
  const { minX, minY, maxX, maxY } = layers.bounds;
  const scale = (SIZE - 16) / Math.max(maxX - minX, maxY - minY, 1);
  const px = (x: number) => 8 + (x - minX) * scale;
  const py = (y: number) => SIZE - 8 - (y - minY) * scale;
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
    g.lineWidth = 1.5;
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

export function LayerPreview({ stream }: { stream: PrinterStream }) {
  const state = stream.state.value;
  const file = state?.job.file;
  const key = file?.path && file.origin === 'local' ? file.path : null;
  const [layers, setLayers] = useState<{ path: string; layers: Layers } | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    setChosen(null);
    if (!key || layers?.path === key) return;
    let current = true;
    fetch(`downloads/files/local/${encodePath(key)}`, { headers: { 'X-Api-Key': currentCredential() ?? '' } })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(parseInWorker)
      .then((parsed) => current && (setLayers({ path: key, layers: parsed }), setError(null)))
      .catch((err) => current && setError(`no preview of ${key}: ${reasonOf(err)}`));
    return () => void (current = false);
  }, [key]);

  const parsed = layers?.path === key ? layers.layers : null;
  const active = !!state && (state.state.flags.printing || state.state.flags.paused);
  const printing = parsed && state?.currentZ != null && active ? layerAt(parsed.layers, state.currentZ) : -1;
  const index = chosen ?? Math.max(0, printing);
  const filepos = active && index === printing ? (state?.progress.filepos ?? null) : index < printing ? Infinity : null;
  useEffect(() => {
    if (canvas.current && parsed) setDone(draw(canvas.current, parsed, index, filepos));
  });
  if (!key) return null;
  return (
    <section class="panel" aria-labelledby="preview-h">
      <header>
        <h2 id="preview-h">Layer preview</h2>
        {parsed && (
          <span class="muted num" id="preview-layer">
            layer {index + 1} of {parsed.layers.length} · Z {parsed.layers[index]?.z.toFixed(2)} mm{done !== null && Number.isFinite(done) ? ` · ${Math.round(done * 100)} % of this layer` : ''}
          </span>
        )}
      </header>
      <Notice error={error} />
      {!parsed && !error && <p class="muted">Reading {key}…</p>}
      {parsed && (
        <>
          <canvas ref={canvas} width={SIZE} height={SIZE} style={{ maxWidth: '100%', display: 'block', margin: '0 auto' }} role="img" aria-label={`Layer ${index + 1} of ${key}`} />
          <label class="row" style={{ marginTop: '8px' }}>
            Layer
            <input type="range" min={0} max={parsed.layers.length - 1} value={index} style={{ flex: 1 }} onInput={(e) => setChosen(Number((e.currentTarget as HTMLInputElement).value))} />
          </label>
          {chosen !== null && (
            <button type="button" onClick={() => setChosen(null)}>
              Follow the print
            </button>
          )}
        </>
      )}
    </section>
  );
}
