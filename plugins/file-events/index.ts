/**
 * File-handling category: turns the FileManager's and the PrinterService's signals into the spec's
 * events (Upload, FileAdded, FileRemoved, FolderAdded, FolderRemoved, UpdatedFiles, MetadataAnalysis*,
 * FileSelected, FileDeselected, TransferStarted, TransferDone), deprecated keys included, and pushes
 * the progress of long analyses as its custom event `plugin_file_events_MetadataAnalysisProgress`.
 * A printer's selection events carry its `printer` id; the shared storage's carry none.
 * Core-owned: it fires catalogue events through the host's EventBus, which is no part of the public API;
 * the rest comes from 'cuttle'.
 */
import { DisposableStore, FileManager, inject, definePlugin, Plugin, PluginContext, PrinterRegistry } from 'cuttle';
import { EventBus } from '../../core/events/event-bus.js';
import { jobFileRef } from '../../core/printer/file-ref.js';

const info = definePlugin({
  id: 'file-events',
  name: 'File-handling events',
  version: '1.0.0',
  description: 'Fires the File-handling events for uploads, file and folder changes, analysis, selection and SD transfers.',
  events: ['MetadataAnalysisProgress'],
});

@Plugin(info)
export class FileEventsPlugin {
  constructor(
    @inject(PluginContext) ctx: PluginContext<typeof info>,
    @inject(EventBus) bus: EventBus,
    @inject(FileManager) files: FileManager,
    @inject(PrinterRegistry) printers: PrinterRegistry,
  ) {
    const on = ctx.subscriptions;
    on.add(files.onUploaded((u) => bus.fire('Upload', { ...u, file: u.path })));
    on.add(files.onFileAdded((e) => bus.fire('FileAdded', e)));
    on.add(files.onFileRemoved((e) => bus.fire('FileRemoved', e)));
    on.add(files.onFolderAdded((e) => bus.fire('FolderAdded', e)));
    on.add(files.onFolderRemoved((e) => bus.fire('FolderRemoved', e)));
    on.add(
      files.onListChanged(() => {
        bus.fire('UpdatedFiles', { type: 'printables' });
        // deprecated since OctoPrint 1.2.0, still sent for existing subscribers
        bus.fire('UpdatedFiles', { type: 'gcode' });
      }),
    );
    on.add(files.onAnalysisStarted((a) => bus.fire('MetadataAnalysisStarted', { ...a, file: a.path })));
    on.add(files.onAnalysisFinished((a) => bus.fire('MetadataAnalysisFinished', { ...a, file: a.path })));
    on.add(files.onAnalysisProgress((p) => ctx.fire('MetadataAnalysisProgress', { ...p, progress: Math.round(p.progress * 1000) / 1000 })));
    on.add(files.onTransferStarted((t) => bus.fire('TransferStarted', t)));
    on.add(files.onTransferDone((t) => bus.fire('TransferDone', t)));
    on.add(
      printers.forEach(({ id: printer, printer: service }) => {
        const each = new DisposableStore();
        each.add(service.onFileSelected((f) => bus.fire('FileSelected', { ...jobFileRef(f), printer })));
        each.add(service.onFileDeselected(() => bus.fire('FileDeselected', { printer })));
        return each;
      }),
    );
  }
}

