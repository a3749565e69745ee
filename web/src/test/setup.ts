import "@testing-library/jest-dom/vitest";

import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// jsdom lays nothing out, so a virtualised table's scroll area would be 0 px tall and show no rows; give
// scroll areas a viewport's height.
// findBy*/waitFor give up after 1 s by default, which a loaded CI machine can exceed on a first render.
configure({ asyncUtilTimeout: 4000 });

// Test files may opt into the node environment (`// @vitest-environment node`), which has no DOM.
const dom = typeof HTMLElement !== "undefined";
if (dom) {
  Object.defineProperty(HTMLElement.prototype, "clientHeight", {
    configurable: true,
    get(this: HTMLElement) {
      return this.hasAttribute("data-virtual-scroll") ? 800 : 0;
    },
  });
  // Rows measure as a browser's one-line row would: at 0 px, a virtualiser would keep adding rows to fill the
  // viewport, all of them.
  Object.defineProperty(HTMLTableRowElement.prototype, "offsetHeight", { configurable: true, get: () => 33 });
  Object.defineProperty(HTMLElement.prototype, "clientWidth", {
    configurable: true,
    get(this: HTMLElement) {
      return this.hasAttribute("data-virtual-scroll") ? 1200 : 0;
    },
  });
}

afterEach(() => {
  if (!dom) return;
  cleanup();
  document.cookie.split(";").forEach((part) => {
    const name = part.split("=")[0]?.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });
});
