/**
 * A name (a printer's, a file's, a user's) inside a sentence of the app's, isolated: a right-to-left
 * name, or one holding a direction override (U+202E), otherwise turns the words after it around, so
 * that "abc‮edoc.gcode stops now" reads backwards. In markup a name goes in <bdi>; in the browser's own
 * dialogs (confirm, prompt), plain text, it goes between the first-strong and pop isolates.
 */
export function isolate(name: string): string {
  return `\u2068${name}\u2069`;
}

/** right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko …) and the direction marks, embeddings, overrides and isolates */
const TURNS_TEXT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** `isolate(name)` for a name that can turn the text around it; any other name as it is (its text unchanged). */
export function isolateIfTurning(name: string): string {
  return TURNS_TEXT.test(name) ? isolate(name) : name;
}
