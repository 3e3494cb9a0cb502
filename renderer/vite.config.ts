import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// The renderer is served from app://wallet/ (desktop) or http://127.0.0.1:PORT/ (browser
// mode); both hosts apply the strict CSP, so the build must not need inline scripts.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    modulePreload: { polyfill: false }, // the polyfill is an inline script
    chunkSizeWarningLimit: 1500,
  },
});
