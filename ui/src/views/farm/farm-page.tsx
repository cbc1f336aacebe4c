/** The farm page: its live stream runs the whole time; the hash picks the section (printers, history, event log, settings). */
import { useEffect, useMemo } from 'preact/hooks';
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
  switch (section.value) {
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
