/**
 * A budget of decoded pixels shared by the decodes in flight, so that inspecting a dataset holds at
 * most `capacity` pixels whatever its images' sizes: a decode waits (first come, first served)
 * until its pixels fit beside the others'. A request larger than the whole budget is clamped to
 * it — the caller decodes such an image in strips of at most `capacity` pixels.
 */
export class PixelBudget {
  private used = 0;
  private readonly waiting: { readonly pixels: number; readonly grant: () => void }[] = [];

  constructor(readonly capacity: number) {}

  /** Waits until `pixels` (at most the capacity) fit; resolves to a function that gives them back. */
  async acquire(pixels: number): Promise<() => void> {
    const amount = Math.min(pixels, this.capacity);
    if (this.waiting.length === 0 && this.used + amount <= this.capacity) {
      this.used += amount;
    } else {
      await new Promise<void>((resolve) => this.waiting.push({ pixels: amount, grant: resolve }));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= amount;
      this.grantWaiting();
    };
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0].pixels <= this.capacity) {
      const next = this.waiting.shift()!;
      this.used += next.pixels;
      next.grant();
    }
  }
}
