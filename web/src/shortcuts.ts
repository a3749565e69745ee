// The app's keyboard shortcuts: one registry that pages register into while they are mounted, one keydown
// listener, and the `?` overlay lists whatever is registered. A key is a single key ("j", "?", "/") or a
// two-key sequence ("g h"); a later registration of the same key wins while it lives (a page may override a
// global one), and the earlier comes back when it unregisters.
import { useEffect, useRef, useSyncExternalStore } from "react";

export interface Shortcut {
  /** `event.key` of the key, or two keys separated by a space for a sequence ("g r"). */
  key: string;
  /** What it does, as the overlay lists it. */
  description: string;
  /** The overlay's section ("Navigation", "Results", ...). */
  group?: string;
  run: (event: KeyboardEvent) => void;
}

interface Entry extends Shortcut {
  id: number;
}

const SEQUENCE_TIMEOUT_MS = 1000;

let nextId = 1;
let entries: readonly Entry[] = [];
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

/** Registers a shortcut; returns the function that removes it. */
export function registerShortcut(shortcut: Shortcut): () => void {
  const entry: Entry = { ...shortcut, id: nextId++ };
  entries = [...entries, entry];
  emit();
  return () => {
    entries = entries.filter((item) => item.id !== entry.id);
    emit();
  };
}

/** The shortcuts in effect, one per key (the latest registered), in registration order. */
export function activeShortcuts(): readonly Shortcut[] {
  const byKey = new Map<string, Entry>();
  for (const entry of entries) byKey.set(entry.key, entry);
  return [...byKey.values()].sort((a, b) => a.id - b.id);
}

let snapshot: readonly Shortcut[] = [];
let snapshotOf: readonly Entry[] | null = null;
function getSnapshot(): readonly Shortcut[] {
  if (snapshotOf !== entries) {
    snapshot = activeShortcuts();
    snapshotOf = entries;
  }
  return snapshot;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useShortcutList(): readonly Shortcut[] {
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/** Registers a shortcut while the component is mounted; `run` may change between renders. */
export function useShortcut(key: string, description: string, run: (event: KeyboardEvent) => void, group?: string) {
  const latest = useRef(run);
  latest.current = run;
  useEffect(
    () => registerShortcut({ key, description, group, run: (event) => latest.current(event) }),
    [key, description, group],
  );
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color"].includes(type);
}

let pending: { key: string; at: number } | null = null;

/** Handles one keydown; exported so tests can drive it without a window listener. */
export function handleKeydown(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
  if (isTyping(event.target)) return false;
  const active = activeShortcuts();
  const key = event.key;
  if (pending && event.timeStamp - pending.at <= SEQUENCE_TIMEOUT_MS) {
    const sequence = `${pending.key} ${key}`;
    pending = null;
    const match = active.find((item) => item.key === sequence);
    if (match) {
      event.preventDefault();
      match.run(event);
      return true;
    }
  }
  pending = null;
  const single = active.find((item) => item.key === key);
  if (single) {
    event.preventDefault();
    single.run(event);
    return true;
  }
  if (active.some((item) => item.key.startsWith(`${key} `))) {
    pending = { key, at: event.timeStamp };
    return true;
  }
  return false;
}

/** Installs the one keydown listener on a window; returns its removal. */
export function installShortcuts(target: Window = window): () => void {
  const listener = (event: KeyboardEvent) => {
    handleKeydown(event);
  };
  target.addEventListener("keydown", listener);
  return () => target.removeEventListener("keydown", listener);
}

/** How the overlay shows a key: "g h" as two keys. */
export function keyLabel(key: string): string[] {
  return key.split(" ").map((part) => (part === " " ? "Space" : part));
}
