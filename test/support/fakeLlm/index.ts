export * from "./builders.ts"
export * from "./effect.ts"
export * from "./script.ts"
export * from "./server.ts"
