import { describe, expect, it } from "vitest";

import { NO_OVERRIDES, directionOf, directionWords, setDirection, sourceWords, toggleFlip } from "./direction";
import { METRICS } from "./fixture";

const [nme, accuracy, ap] = METRICS;

describe("directionOf", () => {
  it("takes the server's default with its source", () => {
    expect(directionOf(nme, NO_OVERRIDES)).toMatchObject({ higherIsBetter: false, source: "declared" });
    expect(directionOf(accuracy, NO_OVERRIDES)).toMatchObject({ higherIsBetter: true, source: "name" });
    expect(directionOf(ap, NO_OVERRIDES)).toMatchObject({ higherIsBetter: null, source: "none" });
  });

  it("inverts a flipped direction and says so", () => {
    const d = directionOf(nme, toggleFlip(NO_OVERRIDES, "mean_nme"));
    expect(d).toMatchObject({ higherIsBetter: true, source: "flipped", defaultHigherIsBetter: false });
    expect(sourceWords(d)).toContain("flipped by you");
    expect(sourceWords(d)).toContain("lower is better, declared");
  });

  it("ignores a flip of an unknown direction and takes a set one instead", () => {
    expect(directionOf(ap, toggleFlip(NO_OVERRIDES, "ap")).higherIsBetter).toBeNull();
    const set = setDirection(NO_OVERRIDES, "ap", false);
    expect(directionOf(ap, set)).toMatchObject({ higherIsBetter: false, source: "set" });
    expect(directionOf(ap, setDirection(set, "ap", null)).higherIsBetter).toBeNull();
  });

  it("un-flips on a second toggle", () => {
    expect(toggleFlip(toggleFlip(NO_OVERRIDES, "mean_nme"), "mean_nme").flip).toEqual([]);
  });
});

describe("directionWords", () => {
  it("names the direction", () => {
    expect(directionWords(directionOf(nme, NO_OVERRIDES))).toBe("lower is better");
    expect(directionWords(directionOf(accuracy, NO_OVERRIDES))).toBe("higher is better");
    expect(directionWords(directionOf(ap, NO_OVERRIDES))).toBe("direction unknown");
  });
});
