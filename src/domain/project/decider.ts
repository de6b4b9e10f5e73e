export { decide } from "./decide.ts"
export { evolve, fold, initialState } from "./state.ts"
