/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build goes straight into the Python package, which serves it at / (assay.server.app) and ships it in
// the wheel, so users never need Node.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../src/assay/server/static",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8000",
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    restoreMocks: true,
    // Page tests render the whole app; on a busy machine the default 5 s is too tight.
    testTimeout: 20_000,
  },
});
