/**
 * Settings: the printers (add, remove; ADMIN), users, and application-key requests waiting for a
 * decision on the first page; the other pages (settings/settings-pages.tsx) beside it.
 */
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { api, reasonOf } from '../../api/http.js';
import { can } from '../../api/session.js';
import type { ConnectionChoices, PrinterJson, PrinterList } from '../../api/types.js';
import { Notice } from '../../components/notice.js';
import { isolate } from '../../lib/bidi.js';
import { ActionsHeader } from '../../components/printer-filter.js';
import { useAction } from '../../components/use-action.js';
import { PluginPanels, type PanelSources } from '../../plugins/plugin-panels.js';
import { AppKeyRequests } from '../farm/app-keys.js';
import { PresetsPage } from '../settings/presets-editor.js';
import { SettingsPages, type FixedPage } from '../settings/settings-pages.js';
import { SubscriptionsSettings } from '../settings/subscriptions-settings.js';
import { WebcamsSettings } from '../settings/webcams-settings.js';
import { UsersSettings } from './users-settings.js';

/** The ports the host detects and allows (virtual included) and the baud rates it offers, as suggestions: a tcp:// bridge is typed. */
function useConnectionChoices(): ConnectionChoices['options'] {
  const [choices, setChoices] = useState<ConnectionChoices['options']>({ ports: [], baudrates: [] });
  useEffect(
    () =>
      void api<ConnectionChoices>('GET', 'api/connection').then(
        (r) => setChoices(r.options),
        () => undefined,
      ),
    [],
  );
  return choices;
}

function AddPrinter({ onAdded }: { onAdded(): void }) {
  const action = useAction();
  const choices = useConnectionChoices();
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const listen = Number(data.get('listen'));
    const entry = {
      id: String(data.get('id')),
      name: String(data.get('name')),
      connection: { port: String(data.get('port')), baudrate: Number(data.get('baudrate')), autoconnect: data.get('autoconnect') === 'on' },
      ...(listen ? { listen } : {}),
    };
    void action.run(async () => {
      await api('POST', 'api/printers', entry);
      form.reset();
      onAdded();
    });
  };
  return (
    <form id="add-printer" class="row" onSubmit={submit} aria-label="Add a printer">
      <label class="stack">
        Id
        <input name="id" required pattern="[a-z0-9][a-z0-9\-]*" size={10} title="lower-case letters, digits and dashes" />
      </label>
      <label class="stack">
        Name
        <input name="name" required size={14} />
      </label>
      <label class="stack">
        Port
        <input name="port" required size={14} placeholder="/dev/ttyUSB0 or virtual" list="add-printer-ports" autocomplete="off" />
        <datalist id="add-printer-ports">
          {choices.ports.map((port) => (
            <option value={port} />
          ))}
        </datalist>
      </label>
      <label class="stack">
        Baud rate
        <input name="baudrate" type="number" value={115200} min={1200} list="add-printer-baudrates" />
        <datalist id="add-printer-baudrates">
          {choices.baudrates.map((rate) => (
            <option value={rate} />
          ))}
        </datalist>
      </label>
      <label class="stack">
        Own port
        <input name="listen" type="number" min={1} max={65535} placeholder="optional" />
      </label>
      <label>
        <input name="autoconnect" type="checkbox" defaultChecked /> connect at start
      </label>
      <button type="submit" class="primary" disabled={action.busy}>
        Add printer
      </button>
      <Notice error={action.error} onDismiss={action.clear} />
    </form>
  );
}

/** plugins' settings pages: no printer, no live events */
const NO_PRINTER: PanelSources = { printer: null, events: signal([]) };

function GeneralSettings() {
  const [printers, setPrinters] = useState<PrinterJson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(0);
  const admin = can('ADMIN');
  useEffect(() => void api<PrinterList>('GET', 'api/printers').then((r) => setPrinters(r.printers), (err) => setError(reasonOf(err))), [changed]);
  const remove = (p: PrinterJson) => {
    if (!confirm(`Remove ${isolate(p.name)} (${p.id})? A running job on it fails.`)) return;
    api('DELETE', `api/printers/${encodeURIComponent(p.id)}`).then(() => setChanged((n) => n + 1), (err) => setError(reasonOf(err)));
  };
  return (
    <>
      <section class="panel" aria-labelledby="printers-settings-h">
        <header>
          <h1 id="printers-settings-h">Printers</h1>
        </header>
        <Notice error={error} onDismiss={() => setError(null)} />
        <table id="printer-settings">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">Own port</th>
              {admin && <ActionsHeader />}
            </tr>
          </thead>
          <tbody>
            {(printers ?? []).map((p) => (
              <tr key={p.id} data-printer={p.id}>
                <td>{p.id}</td>
                <td class="name">{p.name}</td>
                <td>{p.state.text}</td>
                <td class="num">{p.listen ?? '–'}</td>
                {admin && (
                  <td>
                    <button type="button" class="danger" onClick={() => remove(p)}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {admin && <AddPrinter onAdded={() => setChanged((n) => n + 1)} />}
      </section>
      <UsersSettings />
      {(can('PLUGIN_APPKEYS_ADMIN') || can('PLUGIN_APPKEYS_GRANT')) && <AppKeyRequests changed={changed} />}
      <PluginPanels location="settings" sources={NO_PRINTER} />
    </>
  );
}

const GENERAL: FixedPage = { id: '', title: 'Printers and users', render: () => <GeneralSettings /> };
/** the pages that change the host's settings (SETTINGS) */
const CHANGING: readonly FixedPage[] = [
  { id: 'subscriptions', title: 'Event subscriptions', render: () => <SubscriptionsSettings /> },
  { id: 'presets', title: 'Temperature presets', render: () => <PresetsPage /> },
  { id: 'webcams', title: "Printers' webcams", render: () => <WebcamsSettings /> },
];

export function SettingsView() {
  return <SettingsPages fixed={can('SETTINGS') ? [GENERAL, ...CHANGING] : [GENERAL]} />;
}
