// What the samples' component tests need of a browser that jsdom lacks.
import { vi } from "vitest";

/** jsdom draws nothing: the overlay canvas counts what it would draw instead (and jsdom stays quiet). */
export function stubCanvas(): void {
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
}

/** jsdom has no PointerEvent; a MouseEvent with a pointer id carries what the components read. */
export function installPointerEvents(): void {
  class PointerEventShim extends MouseEvent {
    readonly pointerId: number;
    constructor(type: string, init: PointerEventInit = {}) {
      super(type, init);
      this.pointerId = init.pointerId ?? 1;
    }
  }
  vi.stubGlobal("PointerEvent", PointerEventShim);
}
