import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { Motion, useWhenStill } from "./motion";

function Probe({ motion }: { motion: Motion }) {
  return <span data-testid="probe">{useWhenStill(motion) ? "still" : "moving"}</span>;
}

describe("waiting for the view to stop", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("counts the quiet time from the last move", () => {
    const motion = new Motion(150);
    expect(motion.wait(1000)).toBe(0);
    motion.moved(1000);
    expect(motion.wait(1000)).toBe(150);
    expect(motion.wait(1100)).toBe(50);
    expect(motion.wait(1200)).toBe(0);
  });

  it("is still at once when nothing moved, and after the quiet time when it mounts mid-fling", () => {
    const idle = new Motion(150);
    const { unmount } = render(<Probe motion={idle} />);
    expect(screen.getByTestId("probe")).toHaveTextContent("still");
    unmount();

    const flinging = new Motion(150);
    flinging.moved();
    render(<Probe motion={flinging} />);
    expect(screen.getByTestId("probe")).toHaveTextContent("moving");
    act(() => vi.advanceTimersByTime(100));
    // Still moving: the wait starts again from the latest move.
    flinging.moved();
    act(() => vi.advanceTimersByTime(100));
    expect(screen.getByTestId("probe")).toHaveTextContent("moving");
    act(() => vi.advanceTimersByTime(60));
    expect(screen.getByTestId("probe")).toHaveTextContent("still");
  });
});
