export { decide } from "./decide.ts"
export { evolve, fold } from "./evolve.ts"
export { initialState } from "./state.ts"
