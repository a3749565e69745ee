// The scrubber: a track beside the gallery whose thumb shows where the view is ("12,345 / 1,000,000") and
// jumps anywhere on a click or a drag; Home / End / PageUp / PageDown and the arrows move it from the keyboard.
import { type KeyboardEvent, type PointerEvent, useRef, useState } from "react";

import { positionLabel } from "./grid";

export type ScrubStep = "up" | "down" | "pageUp" | "pageDown" | "home" | "end";

/** The thumb's height in px (samples.css draws it so). */
const THUMB = 28;

export interface ScrubberProps {
  /** The first visible sample (from 0) and how many there are. */
  index: number;
  total: number;
  /** Where the thumb sits, 0 (top) to 1 (bottom). */
  fraction: number;
  /** Jumps to the point of the track at `fraction`. */
  onScrub: (fraction: number) => void;
  /** Keyboard moves: by rows, by pages, or to an end. */
  onStep: (step: ScrubStep) => void;
  controls?: string;
}

export const SCRUB_KEYS: Readonly<Record<string, ScrubStep>> = {
  ArrowUp: "up",
  ArrowDown: "down",
  PageUp: "pageUp",
  PageDown: "pageDown",
  Home: "home",
  End: "end",
};

export function Scrubber({ index, total, fraction, onScrub, onStep, controls }: ScrubberProps) {
  const track = useRef<HTMLDivElement>(null);
  const drag = useRef<{ top: number; height: number; frame: number | null; fraction: number } | null>(null);
  const label = positionLabel(index, total);
  const [dragging, setDragging] = useState(false);

  const fractionAt = (clientY: number) => {
    const box = drag.current;
    if (!box || box.height <= 0) return 0;
    return Math.max(0, Math.min(1, (clientY - box.top) / box.height));
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || !track.current) return;
    const rect = track.current.getBoundingClientRect();
    drag.current = { top: rect.top, height: rect.height, frame: null, fraction: 0 };
    track.current.setPointerCapture?.(event.pointerId);
    setDragging(true);
    onScrub(fractionAt(event.clientY));
    event.preventDefault();
  };

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const box = drag.current;
    if (!box) return;
    box.fraction = fractionAt(event.clientY);
    // One jump per frame however fast the pointer moves.
    box.frame ??= requestAnimationFrame(() => {
      if (!drag.current) return;
      drag.current.frame = null;
      onScrub(drag.current.fraction);
    });
  };

  const onPointerUp = () => {
    const box = drag.current;
    if (box?.frame !== null && box?.frame !== undefined) {
      cancelAnimationFrame(box.frame);
      onScrub(box.fraction);
    }
    drag.current = null;
    setDragging(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = SCRUB_KEYS[event.key];
    if (!step) return;
    event.preventDefault();
    onStep(step);
  };

  return (
    <div
      ref={track}
      className={`sg-scrubber${dragging ? " dragging" : ""}`}
      role="scrollbar"
      aria-orientation="vertical"
      aria-controls={controls}
      aria-label="Position in the samples"
      aria-valuemin={total > 0 ? 1 : 0}
      aria-valuemax={total}
      aria-valuenow={total > 0 ? Math.min(index, total - 1) + 1 : 0}
      aria-valuetext={label}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    >
      <div className="sg-scrub-thumb" style={{ top: `calc(${fraction.toFixed(5)} * (100% - ${THUMB}px))`, height: THUMB }}>
        <span className="sg-scrub-label">{label}</span>
      </div>
    </div>
  );
}
