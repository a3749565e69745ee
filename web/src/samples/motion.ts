// When the gallery's view last moved, shared by its cells: a cell that comes into view during a fling shows its
// thumbnail at once and mounts its overlay canvas only once the view has been still for a moment, so a fling's
// frames create no canvases. A plain object, so marking a move re-renders nothing.
import { useEffect, useState } from "react";

export class Motion {
  private last = Number.NEGATIVE_INFINITY;

  constructor(readonly quietMs = 150) {}

  moved(now: number = performance.now()): void {
    this.last = now;
  }

  /** How long until the view has been still for `quietMs` (0: it has). */
  wait(now: number = performance.now()): number {
    return Math.max(0, this.last + this.quietMs - now);
  }
}

/** Whether the view has been still since this component mounted or for `quietMs` after. */
export function useWhenStill(motion: Motion | undefined): boolean {
  const [still, setStill] = useState(() => motion === undefined || motion.wait() === 0);
  useEffect(() => {
    if (still || motion === undefined) return;
    let timer: ReturnType<typeof setTimeout>;
    const check = () => {
      const wait = motion.wait();
      if (wait === 0) setStill(true);
      else timer = setTimeout(check, wait);
    };
    timer = setTimeout(check, motion.wait());
    return () => clearTimeout(timer);
  }, [still, motion]);
  return still;
}
