import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { useSettled } from "./pages";

function Probe({ value }: { value: string }) {
  return <span data-testid="settled">{useSettled(value, value, 100, 300)}</span>;
}

describe("pages asked for once the view settles", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("takes a value that stays the same for the settle time", () => {
    const { rerender } = render(<Probe value="0:0" />);
    expect(screen.getByTestId("settled")).toHaveTextContent("0:0");
    rerender(<Probe value="5:6" />);
    act(() => vi.advanceTimersByTime(99));
    expect(screen.getByTestId("settled")).toHaveTextContent("0:0");
    act(() => vi.advanceTimersByTime(1));
    expect(screen.getByTestId("settled")).toHaveTextContent("5:6");
  });

  it("takes the latest value after the longest wait however fast it keeps changing", () => {
    const { rerender } = render(<Probe value="0:0" />);
    for (let step = 1; step <= 6; step += 1) {
      rerender(<Probe value={`${step}:${step}`} />);
      act(() => vi.advanceTimersByTime(50));
    }
    // 300 ms after the first change, the value then current was taken though it never stood still.
    expect(screen.getByTestId("settled")).toHaveTextContent("6:6");
  });
});
