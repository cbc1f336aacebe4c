/**
 * My plugin's panel on each printer's page of cuttle's web app: an ES module (built by
 * tsconfig.panel.json, with the browser's types) that the app imports and mounts with a PanelApi.
 * It shows the count its own route answers, again after each print, the printer's state, and its
 * `announce` setting, which a user who may change settings switches here.
 */
import type { PanelApi, PluginContext } from 'cuttle';
import type { info } from '../info.js';

/** the plugin's settings, typed from its schema in info.ts as the server's side types them */
type Settings = ReturnType<PluginContext<typeof info>['settings']['get']>;

export function mount(element: HTMLElement, api: PanelApi<Settings>) {
  const count = element.appendChild(document.createElement('p'));
  count.className = 'my-plugin-count';
  const state = element.appendChild(document.createElement('p'));
  state.className = 'muted';
  const refresh = () =>
    api.request<{ count: number }>('GET', `plugin/my-plugin/count/${api.printer}`).then(
      (answer) => (count.textContent = `${answer.count} ${answer.count === 1 ? 'print' : 'prints'} finished since the host started`),
      (err: Error) => (count.textContent = `The count could not be read: ${err.message}`),
    );
  void refresh();
  const printed = api.onEvent((event) => event.type === 'PrintDone' && void refresh());
  const current = api.onCurrent((now) => (state.textContent = `The printer is ${now.state.text.toLowerCase()}.`));

  // the setting: read with SETTINGS_READ, changed with SETTINGS (the host checks both)
  const label = element.appendChild(document.createElement('label'));
  const announce = label.appendChild(document.createElement('input'));
  announce.type = 'checkbox';
  announce.className = 'my-plugin-announce';
  announce.disabled = true;
  label.append(' log each finished print');
  const canChange = api.user.permissions.includes('SETTINGS');
  api.settings.get().then(
    (settings) => ((announce.checked = settings.announce), (announce.disabled = !canChange)),
    () => label.remove(),
  );
  announce.onchange = () => {
    announce.disabled = true;
    api.settings.set({ announce: announce.checked }).then(
      (saved) => ((announce.checked = saved.announce), (announce.disabled = false)),
      (err: Error) => ((announce.checked = !announce.checked), (announce.disabled = false), (state.textContent = `Not saved: ${err.message}`)),
    );
  };

  // what mount returns is called when the panel goes
  return () => {
    printed.dispose();
    current.dispose();
  };
}
