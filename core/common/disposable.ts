/**
 * Disposables: everything that subscribes, schedules or opens something hands back one,
 * so that shutting down a plugin or the host is a single `dispose()` with nothing left dangling.
 */
export interface Disposable {
  dispose(): void;
}

export namespace Disposable {
  export function create(fn: () => void): Disposable {
    let done = false;
    return {
      dispose() {
        if (done) return;
        done = true;
        fn();
      },
    };
  }
  export const NONE: Disposable = { dispose() {} };
}

/** Owns a set of disposables; disposing the store disposes them all (last added first). */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch {
        // a failing disposer must not keep the others alive
      }
    }
  }
}
