import { afterEach, describe, expect, it, vi } from "vitest";

import { activeShortcuts, handleKeydown, registerShortcut } from "./shortcuts";

function press(key: string, options: KeyboardEventInit & { target?: EventTarget; at?: number } = {}) {
  const event = new KeyboardEvent("keydown", { key, cancelable: true, ...options });
  if (options.target) Object.defineProperty(event, "target", { value: options.target });
  if (options.at !== undefined) Object.defineProperty(event, "timeStamp", { value: options.at });
  return { handled: handleKeydown(event), event };
}

const cleanups: (() => void)[] = [];
function register(key: string, run = vi.fn(), description = `do ${key}`) {
  cleanups.push(registerShortcut({ key, description, run }));
  return run;
}

afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

describe("shortcut registry", () => {
  it("runs the shortcut of a key and prevents the browser's default", () => {
    const run = register("j");
    const { handled, event } = press("j");
    expect(handled).toBe(true);
    expect(run).toHaveBeenCalledOnce();
    expect(event.defaultPrevented).toBe(true);
  });

  it("lets the latest registration of a key win, and restores the earlier one when it leaves", () => {
    const global = register("j");
    const page = vi.fn();
    const unregister = registerShortcut({ key: "j", description: "next regression", run: page });
    press("j");
    expect(page).toHaveBeenCalledOnce();
    expect(global).not.toHaveBeenCalled();
    expect(activeShortcuts().filter((item) => item.key === "j")).toHaveLength(1);
    unregister();
    press("j");
    expect(global).toHaveBeenCalledOnce();
  });

  it("runs two-key sequences typed within a second, not slower ones", () => {
    const run = register("g r");
    press("g", { at: 1000 });
    press("r", { at: 1500 });
    expect(run).toHaveBeenCalledOnce();
    press("g", { at: 5000 });
    press("r", { at: 6500 });
    expect(run).toHaveBeenCalledOnce();
  });

  it("ignores keys typed into inputs, and keys with modifiers", () => {
    const run = register("k");
    const input = document.createElement("input");
    input.type = "search";
    press("k", { target: input });
    press("k", { ctrlKey: true });
    press("k", { metaKey: true });
    expect(run).not.toHaveBeenCalled();
    const checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    press("k", { target: checkbox });
    expect(run).toHaveBeenCalledOnce();
  });

  it("leaves unregistered keys to the browser", () => {
    const { handled, event } = press("x");
    expect(handled).toBe(false);
    expect(event.defaultPrevented).toBe(false);
  });
});
