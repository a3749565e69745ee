// The top bar's sections. A later part of the app (the samples gallery, the Studio) adds an entry here and a
// route in routes.tsx; nothing else in the shell changes.

export interface NavItem {
  to: string;
  label: string;
  /** Active only on this exact path (Home), not on paths under it. */
  end?: boolean;
  /** The `g <key>` shortcut that opens it. */
  shortcut?: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/", label: "Home", end: true, shortcut: "h" },
  { to: "/test-suites", label: "Test suites", shortcut: "s" },
  { to: "/models", label: "Models", shortcut: "m" },
  { to: "/runs", label: "Runs", shortcut: "r" },
  { to: "/studio", label: "Studio", shortcut: "t" },
];
