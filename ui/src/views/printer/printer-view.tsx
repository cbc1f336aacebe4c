/** One printer's page: its state and job, temperatures, motion, terminal, files and events, live over its own socket, and the tabs plugins add beside them. */
import { useEffect, useMemo } from 'preact/hooks';
import { can } from '../../api/session.js';
import { PluginPanels, type PanelSources } from '../../plugins/plugin-panels.js';
import { PrinterTabs } from '../../plugins/plugin-tabs.js';
import { PrinterStream } from '../../push/printer-stream.js';
import { EventsLog } from '../events-log.js';
import { FilesPanel } from './files-panel.js';
import { loadIdentity } from './identity.js';
import { JobPanel } from './job-panel.js';
import { LayerPreview } from './layer-preview.js';
import { MotionPanel } from './motion-panel.js';
import { TemperaturePanel } from './temperature-panel.js';
import { TerminalPanel } from './terminal-panel.js';
import { TimelapsePanel } from './timelapse-panel.js';
import { WebcamPanel } from './webcam-panel.js';

export function PrinterView({ id }: { id: string }) {
  const stream = useMemo(() => new PrinterStream(), [id]);
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);
  // its name, again after a rename
  const renamed = stream.entryChanged.value;
  useEffect(() => void loadIdentity().catch(() => undefined), [stream, renamed]);
  const sources = useMemo((): PanelSources => ({ printer: id, state: stream.state, events: stream.events }), [stream]);
  return (
    <PrinterTabs sources={sources}>
      <div class="grid">
        <JobPanel stream={stream} />
        {can('WEBCAM') && <WebcamPanel />}
        {can('FILES_DOWNLOAD') && <LayerPreview stream={stream} />}
        <TemperaturePanel stream={stream} />
        {can('CONTROL') && <MotionPanel stream={stream} />}
        <TerminalPanel stream={stream} />
        <EventsLog events={stream.events} />
        {can('TIMELAPSE_LIST') && <TimelapsePanel stream={stream} />}
        <PluginPanels location="printer" sources={sources} />
        {can('FILES_LIST') && (
          <div class="wide">
            <FilesPanel stream={stream} />
          </div>
        )}
      </div>
    </PrinterTabs>
  );
}
