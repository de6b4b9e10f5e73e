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
    modulePreload: { polyfill: false },
    rollupOptions: {
      // The client imports the server's schemas (src/http/api/schemas.ts, src/contract): modules of those
      // trees it takes nothing from (HttpApi groups, domain errors) are left out instead of kept for their top-level calls.
      treeshake: {
        moduleSideEffects: (id: string) => !/[\\/]src[\\/](domain|http|contract)[\\/]/.test(id)
      }
    }
  },
  server: {
    // `vite` dev server: the API runs on the app (npm start) and is proxied.
    proxy: { "/api": { target: "http://127.0.0.1:4040", ws: true } }
  }
})
