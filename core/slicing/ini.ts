/**
 * The flat `key = value` format of slicer profiles (PrusaSlicer's exported config .ini): parsed for the
 * REST API's `data`, written when a profile is given as data. Imported files are stored untouched.
 */

/** Settings of an ini text; comments (`#`, `;`) and `[section]` headers are skipped, later keys win. */
export function parseIni(text: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    data[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return data;
}

/** A profile text for the settings; newlines inside values would break the format and are refused. */
export function serializeIni(data: Record<string, string>): string {
  const lines = Object.entries(data).map(([key, value]) => {
    const text = String(value);
    if (/[\r\n]/.test(key) || /[\r\n]/.test(text) || key.includes('=') || !key.trim()) {
      throw new Error(`profile setting "${key}" cannot be written (newline or "=" in key or value)`);
    }
    return `${key.trim()} = ${text}`;
  });
  return `# written by cuttle\n${lines.join('\n')}\n`;
}
