/**
 * Panels that plugins contribute (core/ui/panels.ts): listed by `api/ui/panels` for this user, each
 * module imported from the host (same origin: the CSP admits it) and mounted into its own section
 * with a PanelApi: REST with the user's sign-in, the printer's state and the page's events. A panel
 * that fails to load or throws shows its error in its own section; the page goes on.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, reasonOf } from '../api/http.js';
import { currentUser } from '../api/session.js';
import type { PanelApi, PanelEvent, PushEvent, PushPrinterState, UiPanelJson } from '../api/types.js';
import { Notice } from '../components/notice.js';
import { absolute, printerBase } from '../lib/page.js';

export interface PanelSources {
  printer: string | null;
  state?: ReadonlySignal<PushPrinterState | null>;
  events: ReadonlySignal<readonly PushEvent[]>;
}

type PanelModule = { mount?: (element: HTMLElement, api: PanelApi) => void | (() => void) };

function panelApi(sources: PanelSources): PanelApi {
  const base = sources.printer ? printerBase(sources.printer) : '';
  const user = currentUser.value ?? { name: '', permissions: [] };
  return {
    printer: sources.printer,
    user: { name: user.name, permissions: [...user.permissions] },
    request: (method, path, body) => api(method, `${base}${path.replace(/^\/+/, '')}`, body),
    onCurrent: (listener) =>
      effect(() => {
        const state = sources.state?.value;
        if (state) listener(state);
      }),
    onEvent: (listener) => {
      let seen = sources.events.peek()[0]?.seq ?? -1;
      return effect(() => {
        const fresh = sources.events.value.filter((e) => e.seq > seen);
        if (!fresh.length) return;
        seen = fresh[0]!.seq;
        for (const e of fresh.reverse()) listener(e as PanelEvent);
      });
    },
  };
}

function PluginPanel({ panel, sources }: { panel: UiPanelJson; sources: PanelSources }) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let unmount: (() => void) | undefined;
    let gone = false;
    import(/* @vite-ignore */ absolute(panel.url).href)
      .then((mod: PanelModule) => {
        if (gone) return;
        if (typeof mod.mount !== 'function') throw new Error('its module exports no mount(element, api)');
        const done = mod.mount(box.current!, panelApi(sources));
        if (typeof done === 'function') unmount = done;
      })
      .catch((err) => !gone && setError(`${panel.title} could not be shown: ${reasonOf(err)}`));
    return () => {
      gone = true;
      try {
        unmount?.();
      } catch {
        /* a panel failing to clean up must not take the page with it */
      }
    };
  }, [panel.url]);
  return (
    <section class="panel" data-panel={`${panel.owner}/${panel.id}`} aria-labelledby={`panel-${panel.owner}-${panel.id}`}>
      <header>
        <h2 id={`panel-${panel.owner}-${panel.id}`}>{panel.title}</h2>
        <span class="muted">{panel.owner}</span>
      </header>
      <Notice error={error} />
      <div ref={box} />
    </section>
  );
}

export function PluginPanels({ location, sources }: { location: UiPanelJson['location']; sources: PanelSources }) {
  const [panels, setPanels] = useState<UiPanelJson[]>([]);
  useEffect(() => void api<{ panels: UiPanelJson[] }>('GET', 'api/ui/panels').then((r) => setPanels(r.panels.filter((p) => p.location === location)), () => setPanels([])), [location]);
  return (
    <>
      {panels.map((p) => (
        <PluginPanel key={`${p.owner}/${p.id}`} panel={p} sources={sources} />
      ))}
    </>
  );
}
