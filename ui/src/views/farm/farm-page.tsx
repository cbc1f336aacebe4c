/** The farm page: its live stream runs the whole time; the hash picks the section (printers, history, event log, settings). */
import { useEffect, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { currentCredential } from '../../api/http.js';
import { section } from '../../lib/route.js';
import { FarmStream } from '../../push/farm-stream.js';
import { EventLogView } from '../more/event-log-view.js';
import { HistoryView } from '../more/history-view.js';
import { SettingsView } from '../more/settings-view.js';
import { FarmView } from './farm-view.js';

export function FarmPage() {
  const stream = useMemo(() => new FarmStream(currentCredential()!), []);
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);
  // another section (a link, back or forward) took the place of the focused control: the focus goes to
  // the content, not to the body (back with a dialog open left it there); the page's first view keeps
  // the browser's start, so the skip link stays the first Tab
  const shown = section.value;
  const first = useRef(true);
  useLayoutEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (!document.activeElement || document.activeElement === document.body) document.getElementById('main')?.focus();
  }, [shown]);
  switch (shown) {
    case 'history':
      return <HistoryView />;
    case 'events':
      return <EventLogView />;
    case 'settings':
      return <SettingsView />;
    default:
      return <FarmView stream={stream} />;
  }
}
