// A search box whose text lives in the URL (?search=), registered on the `/` shortcut. Typing replaces the
// history entry rather than pushing one per key.
import { useEffect, useId, useRef, useState } from "react";

import { useShortcut } from "../shortcuts";
import { urlString, useUrlState } from "../useUrlState";

const SEARCH = urlString("");

/** The current search from the URL, for the page's query. */
export function useSearchParam(): string {
  return useUrlState("search", SEARCH)[0];
}

export function SearchBox({ label, placeholder }: { label: string; placeholder?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [search, setSearch] = useUrlState("search", SEARCH);
  // Local text so typing stays instant; the URL follows after a short pause.
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  useEffect(() => {
    if (text === search) return;
    const timer = setTimeout(() => setSearch(text, { replace: true }), 200);
    return () => clearTimeout(timer);
  }, [text, search, setSearch]);
  useShortcut("/", "Focus the search box", () => input.current?.focus(), "General");
  return (
    <div>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        ref={input}
        type="search"
        value={text}
        placeholder={placeholder ?? label}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") input.current?.blur();
        }}
      />
    </div>
  );
}
