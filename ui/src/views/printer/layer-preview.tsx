/**
 * The layer preview: the job's file drawn layer by layer on a canvas, the printing layer by
 * default (what is printed solid, the rest faint, and how far the layer is), or any layer by the
 * slider. The file is fetched with the sign-in's header and parsed in a worker once (lib/layer-files.ts).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { reasonOf } from '../../api/http.js';
import { Notice } from '../../components/notice.js';
import { layerAt, type Layers } from '../../lib/gcode-layers.js';
import { drawLayer } from '../../lib/layer-draw.js';
import { layersOf } from '../../lib/layer-files.js';
import type { PrinterStream } from '../../push/printer-stream.js';

const SIZE = 320;

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
    layersOf(key, `${file?.date ?? ''}:${file?.size ?? ''}`)
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
    if (canvas.current && parsed) setDone(drawLayer(canvas.current, parsed, index, filepos));
  });
  if (!key) return null;
  return (
    <section class="panel" aria-labelledby="preview-h">
      <header>
        <h2 id="preview-h">Layer preview</h2>
        {parsed && parsed.layers.length > 0 && (
          <span class="muted num" id="preview-layer">
            layer {index + 1} of {parsed.layers.length} · Z {parsed.layers[index]?.z.toFixed(2)} mm{done !== null && Number.isFinite(done) ? ` · ${Math.round(done * 100)} % of this layer` : ''}
          </span>
        )}
      </header>
      <Notice error={error} />
      {!parsed && !error && <p class="muted">Reading {key}…</p>}
      {parsed && parsed.layers.length === 0 && <p class="muted">Nothing to draw: {key} extrudes no layers (moves only).</p>}
      {parsed && parsed.layers.length > 0 && (
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
