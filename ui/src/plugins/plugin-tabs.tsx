/**
 * The printer page's tabs: its own sections, then one tab per plugin panel at location `tab`
 * (WAI-ARIA tabs: arrow keys, Home and End move and select; only the selected tab is in the Tab
 * order). A plugin's module is mounted while its tab is selected and unmounted (its Disposables
 * disposed) when another is chosen; the page's own sections stay mounted, hidden, so their live state
 * is kept. Without plugin tabs there is no tab list at all. The selected tab is in the address
 * (lib/route.ts), so a reload or a shared link opens it and back and forward move between tabs.
 */
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import type { UiPanelJson } from '../api/types.js';
import { printerTab, selectPrinterTab } from '../lib/route.js';
import { PluginPanel, usePanels, type PanelSources } from './plugin-panels.js';

const OWN = 'printer';
const keyOf = (p: UiPanelJson) => `${p.owner}-${p.id}`;

export function PrinterTabs({ sources, children }: { sources: PanelSources; children: ComponentChildren }) {
  const tabs = usePanels('tab');
  const chosen = printerTab.value || OWN;
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  if (!tabs.length) return <>{children}</>;
  const keys = [OWN, ...tabs.map(keyOf)];
  // a tab whose plugin stopped (or not listed yet, on a reload) shows the page's own sections
  const selected = keys.includes(chosen) ? chosen : OWN;
  const shown = tabs.find((p) => keyOf(p) === selected);
  const select = (key: string) => {
    selectPrinterTab(key === OWN ? '' : key);
    buttons.current.get(key)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const at = keys.indexOf(selected);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1 + keys.length, Home: 0, End: keys.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    select(keys[to % keys.length]!);
  };
  const tab = (key: string, label: string) => (
    <button
      type="button"
      role="tab"
      id={`tab-${key}`}
      key={key}
      ref={(b) => void (b ? buttons.current.set(key, b) : buttons.current.delete(key))}
      aria-selected={key === selected}
      aria-controls={key === selected ? `tabpanel-${key}` : undefined}
      tabIndex={key === selected ? 0 : -1}
      onClick={() => select(key)}
    >
      {label}
    </button>
  );
  return (
    <>
      <div role="tablist" aria-label="Printer views" class="tabs" onKeyDown={onKeyDown}>
        {tab(OWN, 'Printer')}
        {tabs.map((p) => tab(keyOf(p), p.title))}
      </div>
      <div role="tabpanel" id={`tabpanel-${OWN}`} aria-labelledby={`tab-${OWN}`} hidden={selected !== OWN}>
        {children}
      </div>
      {shown && (
        <div role="tabpanel" id={`tabpanel-${selected}`} aria-labelledby={`tab-${selected}`} tabIndex={0} class="tab-panel">
          <PluginPanel key={selected} panel={shown} sources={sources} compact={false} />
        </div>
      )}
    </>
  );
}
