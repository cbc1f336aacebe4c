/**
 * A name (a printer's, a file's, a user's) inside a sentence of the app's, isolated: a right-to-left
 * name, or one holding a direction override (U+202E), otherwise turns the words after it around, so
 * that "abc‮edoc.gcode stops now" reads backwards. In markup a name goes in <bdi>; in the browser's own
 * dialogs (confirm, prompt), plain text, it goes between the first-strong and pop isolates.
 */
export function isolate(name: string): string {
  return `\u2068${name}\u2069`;
}
