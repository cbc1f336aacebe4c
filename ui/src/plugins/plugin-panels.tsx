/**
 * Panels that plugins contribute (core/ui/panels.ts): listed by `api/ui/panels` for this user (once
 * per page, and again when the host says they changed: a plugin started or stopped), each module imported from the host (same origin: the CSP admits it) and mounted into its
 * own section with a PanelApi: REST with the user's sign-in, the printer's state, the page's events and
 * the plugin's settings. A panel that fails to load or throws shows its error in its own section; the
 * page goes on.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, reasonOf } from '../api/http.js';
import { currentUser } from '../api/session.js';
import type { PanelApi, PanelEvent, PanelSubscription, PushEvent, PushPrinterState, SettingsPage, UiPanelJson } from '../api/types.js';
import { Notice } from '../components/notice.js';
import { absolute, printerBase } from '../lib/page.js';
import { panelsChanged } from '../push/connection.js';

export interface PanelSources {
  printer: string | null;
  state?: ReadonlySignal<PushPrinterState | null>;
  events: ReadonlySignal<readonly PushEvent[]>;
}

type Unmount = void | (() => void) | PanelSubscription;
type PanelModule = { mount?: (element: HTMLElement, api: PanelApi) => Unmount };

function subscription(dispose: () => void): PanelSubscription {
  return { dispose };
}

function panelApi(owner: string, sources: PanelSources): PanelApi {
  const base = sources.printer ? printerBase(sources.printer) : '';
  const user = currentUser.value ?? { name: '', permissions: [] };
  return {
    printer: sources.printer,
    user: { name: user.name, permissions: [...user.permissions] },
    request: (method, path, body) => api(method, `${base}${path.replace(/^\/+/, '')}`, body),
    onCurrent: (listener) =>
      subscription(
        effect(() => {
          const state = sources.state?.value;
          if (state) listener(state);
        }),
      ),
    onEvent: (listener) => {
      let seen = sources.events.peek()[0]?.seq ?? -1;
      // a farm card's events are the whole farm's: its panel hears its printer's and the shared ones, as on the printer's page
      const heard = (e: PushEvent) => !sources.printer || e.printer === undefined || e.printer === sources.printer;
      return subscription(
        effect(() => {
          const fresh = sources.events.value.filter((e) => e.seq > seen);
          if (!fresh.length) return;
          seen = fresh[0]!.seq;
          for (const e of fresh.reverse()) if (heard(e)) listener(e as PanelEvent);
        }),
      );
    },
    settings: {
      get: () => api<SettingsPage>('GET', `api/settings/pages/plugins.${owner}`).then((page) => page.values),
      set: (values) => api<SettingsPage>('PUT', `api/settings/pages/plugins.${owner}`, { values }).then((page) => page.values),
    },
  };
}

function release(done: Unmount): void {
  if (typeof done === 'function') done();
  else done?.dispose();
}

/** `compact`: a farm card's section (a small heading, no frame of its own) rather than a panel of the page. */
export function PluginPanel({ panel, sources, compact }: { panel: UiPanelJson; sources: PanelSources; compact: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let unmount: Unmount;
    let gone = false;
    import(/* @vite-ignore */ absolute(panel.url).href)
      .then((mod: PanelModule) => {
        if (gone) return;
        if (typeof mod.mount !== 'function') throw new Error('its module exports no mount(element, api)');
        unmount = mod.mount(box.current!, panelApi(panel.owner, sources));
      })
      .catch((err) => !gone && setError(`${panel.title} could not be shown: ${reasonOf(err)}`));
    return () => {
      gone = true;
      try {
        release(unmount);
      } catch {
        /* a panel failing to clean up must not take the page with it */
      }
    };
  }, [panel.url]);
  const heading = `panel-${panel.owner}-${panel.id}${sources.printer && compact ? `-${sources.printer}` : ''}`;
  return (
    <section class={compact ? 'card-section' : 'panel'} data-panel={`${panel.owner}/${panel.id}`} aria-labelledby={heading}>
      {compact ? (
        <h3 id={heading}>{panel.title}</h3>
      ) : (
        <header>
          <h2 id={heading}>{panel.title}</h2>
          <span class="muted">{panel.owner}</span>
        </header>
      )}
      <Notice error={error} />
      <div ref={box} />
    </section>
  );
}

/** The list, asked once per page view, user and change the host announced (sixteen farm cards share it); a failed ask is asked again next time. */
let listed: { key: string; panels: Promise<UiPanelJson[]> } | undefined;
function panelList(): Promise<UiPanelJson[]> {
  const key = `${panelsChanged.peek()} ${currentUser.peek()?.name ?? ''}`;
  if (listed?.key !== key) {
    const ask = api<{ panels: UiPanelJson[] }>('GET', 'api/ui/panels').then(
      (r) => r.panels,
      () => {
        if (listed?.panels === ask) listed = undefined;
        return [];
      },
    );
    listed = { key, panels: ask };
  }
  return listed.panels;
}

/** The panels at `location` this user may see, listed again when they change. */
export function usePanels(location: UiPanelJson['location']): UiPanelJson[] {
  const [panels, setPanels] = useState<UiPanelJson[]>([]);
  const changes = panelsChanged.value;
  useEffect(() => {
    let gone = false;
    void panelList().then((all) => !gone && setPanels(all.filter((p) => p.location === location)));
    return () => void (gone = true);
  }, [location, changes]);
  return panels;
}

export function PluginPanels({ location, sources }: { location: UiPanelJson['location']; sources: PanelSources }) {
  return (
    <>
      {usePanels(location).map((p) => (
        <PluginPanel key={`${p.owner}/${p.id}`} panel={p} sources={sources} compact={location === 'card'} />
      ))}
    </>
  );
}
