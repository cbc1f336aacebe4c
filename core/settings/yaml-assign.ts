/**
 * Sets a value in config.yaml's YAML document by changing the nodes that are there rather than
 * replacing them, so a save keeps the user's comments, flow style and order: a mapping keeps its
 * keys' nodes, a list keeps the node of every item it still has (the same value, or a mapping with
 * the same `id`, e.g. a `printers:` entry), and a scalar keeps its comment.
 */
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';

export function assignIn(document: YAML.Document, path: readonly string[], value: unknown): void {
  const current = path.length === 0 ? document.contents : document.getIn(path, true);
  if (!YAML.isNode(current)) {
    document.setIn(path, value);
    return;
  }
  const node = assigned(document, current, value);
  if (node !== current) document.setIn(path, node);
}

/** `node` changed in place to hold `value`, or a new node (carrying `node`'s comments) when the kinds differ. */
function assigned(document: YAML.Document, node: YAML.Node, value: unknown): YAML.Node {
  if (YAML.isMap(node) && isPlainObject(value)) {
    for (const pair of [...node.items]) {
      const key = YAML.isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key !== 'string' || !Object.hasOwn(value, key)) node.delete(pair.key);
    }
    for (const [key, child] of Object.entries(value)) {
      const existing = node.get(key, true);
      node.set(key, YAML.isNode(existing) ? assigned(document, existing, child) : document.createNode(child));
    }
    return node;
  }
  if (YAML.isSeq(node) && Array.isArray(value)) {
    node.items = assignedItems(document, node.items, value);
    return node;
  }
  if (YAML.isScalar(node) && typeof node.value === typeof value && !isObject(value)) {
    node.value = value;
    return node;
  }
  const created = document.createNode(value);
  created.commentBefore = node.commentBefore;
  created.comment = node.comment;
  return created;
}

/** The new list's item nodes: an old item's node where it still has the same value or id, else a new node. */
function assignedItems(document: YAML.Document, items: readonly unknown[], values: readonly unknown[]): unknown[] {
  const old = items.map((item) => (YAML.isNode(item) ? item.toJS(document) : item) as unknown);
  const used = new Set<number>();
  const kept: (number | undefined)[] = values.map(() => undefined);
  // unchanged items first, in order, so that an added or removed item does not move the others' comments
  let from = 0;
  values.forEach((value, index) => {
    const found = old.findIndex((o, i) => i >= from && !used.has(i) && isDeepStrictEqual(o, value));
    if (found < 0) return;
    used.add(found);
    kept[index] = found;
    from = found + 1;
  });
  // then a changed mapping that keeps its id
  values.forEach((value, index) => {
    if (kept[index] !== undefined || !isPlainObject(value) || value['id'] === undefined) return;
    const found = old.findIndex((o, i) => !used.has(i) && isPlainObject(o) && isDeepStrictEqual(o['id'], value['id']));
    if (found < 0) return;
    used.add(found);
    kept[index] = found;
  });
  return values.map((value, index) => {
    const at = kept[index];
    const item = at === undefined ? undefined : items[at];
    return YAML.isNode(item) ? assigned(document, item, value) : document.createNode(value);
  });
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return isObject(value) && !Array.isArray(value);
}
