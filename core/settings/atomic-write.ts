/**
 * Atomic file replacement: write a temporary file beside the target, flush it to disk, then
 * rename over the target. A crash at any point leaves either the old or the new file, never half.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(temporary, { force: true });
    throw err;
  }
  await handle.close();
  await fs.rename(temporary, target);
}
