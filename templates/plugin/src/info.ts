/**
 * What My plugin declares in `@Plugin(info)`: kept apart from the plugin's class so that its panel
 * (src/panel/panel.ts, built for the browser) can take the settings' type from it, with no server code.
 */
import { definePlugin } from 'cuttle';

export const info = definePlugin({
  id: 'my-plugin',
  name: 'My plugin',
  version: '0.1.0',
  description: 'Counts the prints each printer finishes.',
  // one instance per printer, with that printer's PrinterService and events
  scope: 'printer',
  // a convict schema, validated at start (a typo under plugins.my-plugin names the key); ctx.settings.get() is typed from it
  settings: { announce: { doc: 'log each finished print', format: Boolean, default: true } },
  // custom events it fires, as plugin_my_plugin_<Name>
  events: ['Counted'],
  // the web app's panel on each printer's page: the built module, inside this package's folder
  ui: [{ id: 'count', title: 'My plugin', location: 'printer', module: 'dist/browser/panel/panel.js' }],
});
