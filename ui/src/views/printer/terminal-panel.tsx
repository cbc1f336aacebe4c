/**
 * The terminal: what went to the printer (>>>) and came back (<<<), with filters for temperature
 * reports and `ok`s; it follows new lines while scrolled to the bottom. A command is sent with
 * Enter; the arrow keys walk through the commands sent before. Sending needs CONTROL.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/http.js';
import { can } from '../../api/session.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../components/use-action.js';
import type { PrinterStream } from '../../push/printer-stream.js';

const TEMPERATURE = /^(<<< (ok )?.*\bT:\s*-?\d|>>> (N\d+ )?M105\b)/;
const OK = /^<<< ok\s*$/;

export function TerminalPanel({ stream }: { stream: PrinterStream }) {
  const [hideTemps, setHideTemps] = useState(false);
  const [hideOks, setHideOks] = useState(false);
  const [sent, setSent] = useState<string[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [command, setCommand] = useState('');
  const action = useAction(stream.state.value?.state.text);
  const list = useRef<HTMLOListElement>(null);
  const follow = useRef(true);
  const lines = stream.terminal.value;
  const count = stream.terminalCount.value;
  const first = count - lines.length;
  const shown = lines.map((line, i) => ({ line, n: first + i })).filter(({ line }) => !(hideTemps && TEMPERATURE.test(line)) && !(hideOks && OK.test(line)));

  useLayoutEffect(() => {
    const el = list.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  });

  const send = (e: SubmitEvent) => {
    e.preventDefault();
    const text = command.trim();
    if (!text) return;
    setSent([...sent.filter((c) => c !== text), text].slice(-50));
    setCursor(null);
    setCommand('');
    follow.current = true;
    // refused (the printer offline, the host away): the command comes back into the field to send again
    void action.run(() => api('POST', 'api/printer/command', { command: text })).then((done) => done || setCommand((typed) => typed || text));
  };
  const walk = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    if (!sent.length) return;
    const at = cursor ?? sent.length;
    const next = e.key === 'ArrowUp' ? Math.max(0, at - 1) : at + 1;
    if (next >= sent.length) {
      setCursor(null);
      setCommand('');
    } else {
      setCursor(next);
      setCommand(sent[next]!);
    }
  };
  return (
    <section class="panel" aria-labelledby="terminal-h">
      <header>
        <h2 id="terminal-h">
          Terminal <span id="terminal-count" class="muted num">{count}</span>
        </h2>
        <div class="row">
          <label>
            <input type="checkbox" checked={hideTemps} onChange={() => setHideTemps(!hideTemps)} /> hide temperatures
          </label>
          <label>
            <input type="checkbox" checked={hideOks} onChange={() => setHideOks(!hideOks)} /> hide oks
          </label>
        </div>
      </header>
      <ol
        ref={list}
        id="terminal"
        class="terminal"
        tabIndex={0}
        aria-label="Terminal output"
        onScroll={(e) => {
          const el = e.currentTarget as HTMLElement;
          follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
        }}
      >
        {shown.map(({ line, n }) => (
          <li key={n} class={line.startsWith('>>>') ? 'send' : undefined}>
            {line}
          </li>
        ))}
      </ol>
      {can('CONTROL') && (
        <form class="row" style={{ marginTop: '8px' }} onSubmit={send}>
          <label style={{ flex: 1 }}>
            <span class="sr-only">G-code command</span>
            <input
              id="terminal-input"
              style={{ flex: 1, fontFamily: 'ui-monospace, monospace' }}
              placeholder="G-code, e.g. M115"
              autocomplete="off"
              spellcheck={false}
              value={command}
              onInput={(e) => setCommand((e.currentTarget as HTMLInputElement).value)}
              onKeyDown={walk}
            />
          </label>
          {/* not disabled while the printer is offline (Enter in the field did nothing, without a word): the host says why it refuses; paused only while the host is away, as the whole view is */}
          <button type="submit">Send</button>
        </form>
      )}
      <Notice error={action.error} onDismiss={action.clear} />
    </section>
  );
}
