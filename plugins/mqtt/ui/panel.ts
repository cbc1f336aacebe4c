/**
 * The MQTT bridge on the farm page of the web app: off, or the broker, whether it is connected, and
 * how many logged events it has not acknowledged yet. A browser module (plugins/tsconfig.panels.json
 * builds it), asking the plugin's route every 5 s while shown.
 */
import type { PanelApi } from 'cuttle';
import type { MqttStatus } from '../status.js';

function describe(status: MqttStatus): string[] {
  if (!status.on) return ['Off: set plugins.mqtt.url to publish events and printer state to a broker.'];
  const waiting = Math.max(0, status.latest - status.acknowledged);
  return [
    `${status.connected ? 'Connected to' : 'Waiting for'} ${status.broker}, publishing ${status.topics}.`,
    waiting === 0 ? 'Every event is delivered.' : `${waiting} ${waiting === 1 ? 'event waits' : 'events wait'} in the event log for the broker.`,
  ];
}

export function mount(element: HTMLElement, api: PanelApi) {
  const lines = element.appendChild(document.createElement('div'));
  lines.className = 'mqtt-status';
  lines.setAttribute('role', 'status');
  const show = (texts: string[]) =>
    lines.replaceChildren(
      ...texts.map((text) => {
        const p = document.createElement('p');
        p.textContent = text;
        return p;
      }),
    );
  const refresh = () => api.request<MqttStatus>('GET', 'plugin/mqtt/status').then((status) => show(describe(status)), (err: Error) => show([`The MQTT status could not be read: ${err.message}`]));
  void refresh();
  const timer = setInterval(refresh, 5000);
  return () => clearInterval(timer);
}
