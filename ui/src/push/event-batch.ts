/** Collects items that arrive in bursts and hands them over together, at most once per `ms` (oldest first). */
export class EventBatch<T> {
  private items: T[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly ms = 250,
  ) {}

  add(item: T): void {
    this.items.push(item);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const items = this.items;
      this.items = [];
      this.flush(items);
    }, this.ms);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
  }
}
