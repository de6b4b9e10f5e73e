import { defineConfig } from "vite"

/** The browser client: src/web built into dist/web, which the server serves at /. */
export default defineConfig({
  root: "src/web",
  base: "/",
  publicDir: "public",
  build: {
    outDir: "../../dist/web",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    // Never inline scripts or styles into index.html: the CSP is default-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false }
  },
  server: {
    // `vite` dev server: the API runs on the app (npm start) and is proxied.
    proxy: { "/api": { target: "http://127.0.0.1:4040", ws: true } }
  }
})
