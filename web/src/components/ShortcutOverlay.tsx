// The `?` overlay: every shortcut in effect, grouped, from the shared registry (pages add theirs).
import { useEffect, useRef } from "react";

import { keyLabel, useShortcutList } from "../shortcuts";

export function ShortcutOverlay({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const shortcuts = useShortcutList();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    // jsdom has no showModal; the open attribute is the same state for tests.
    if (open && !element.open) {
      if (typeof element.showModal === "function") element.showModal();
      else element.setAttribute("open", "");
    } else if (!open && element.open) {
      if (typeof element.close === "function") element.close();
      else element.removeAttribute("open");
    }
  }, [open]);

  const groups = new Map<string, typeof shortcuts>();
  for (const shortcut of shortcuts) {
    const group = shortcut.group ?? "General";
    groups.set(group, [...(groups.get(group) ?? []), shortcut]);
  }

  return (
    <dialog ref={dialog} className="overlay" aria-labelledby="shortcuts-title" onClose={onClose} onCancel={onClose}>
      <h2 id="shortcuts-title" style={{ marginTop: 0 }}>
        Keyboard shortcuts
      </h2>
      {[...groups.entries()].map(([group, items]) => (
        <section key={group}>
          <h3>{group}</h3>
          <dl className="kv">
            {items.map((shortcut) => (
              <div key={shortcut.key} style={{ display: "contents" }}>
                <dt>
                  {keyLabel(shortcut.key).map((part, index) => (
                    <span key={index}>
                      {index > 0 ? " then " : null}
                      <kbd>{part}</kbd>
                    </span>
                  ))}
                </dt>
                <dd>{shortcut.description}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <p>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </p>
    </dialog>
  );
}
