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
    rollupOptions: {
      output: {
        // The libraries change far less often than the app: in a chunk of their own, a new build of the app
        // leaves them cached (the file name is the content's hash; the server serves /assets immutable).
        manualChunks(id) {
          if (/[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack|openapi-fetch)[\\/]/.test(id)) return "vendor";
          return undefined;
        },
      },
    },
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
