/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Where `npm run dev` sends /graphql, /exports and /imports: the app of `make run`, or UDKAST_API.
const api = process.env.UDKAST_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  // The client preset's graphql() keeps every operation's document in the main chunk (~150 kB
  // gzipped in all); the Markdown preview is split off with the editor.
  // `npm test`: the front end's unit and property tests (src/**/*.test.ts), in a simulated DOM.
  test: { environment: 'happy-dom', include: ['src/**/*.test.ts'] },
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      '/graphql': { target: api, ws: true },
      '/exports': api,
      '/imports': api,
    },
  },
});
