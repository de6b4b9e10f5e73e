import { Either } from "effect"
import { expect } from "vitest"

export interface Decider<C, E, S, Err extends { readonly _tag: string }> {
  readonly initialState: S
  readonly evolve: (state: S, event: E) => S
  readonly decide: (command: C, state: S) => Either.Either<ReadonlyArray<E>, Err>
}

/** given(events).when(command).then(events) | .thenError(tag) | .thenNothing() */
export const givenFor = <C, E, S, Err extends { readonly _tag: string }>(decider: Decider<C, E, S, Err>) =>
  (events: ReadonlyArray<E> = []) => ({
    when: (command: C) => {
      const state = events.reduce(decider.evolve, decider.initialState)
      const result = decider.decide(command, state)
      const events_ = (): ReadonlyArray<E> => {
        if (Either.isLeft(result)) throw new Error(`expected events, got ${result.left._tag}: ${String(result.left)}`)
        return result.right
      }
      return {
        then: (expected: ReadonlyArray<E>): void => {
          expect(events_()).toStrictEqual(expected)
        },
        thenNothing: (): void => {
          expect(events_()).toStrictEqual([])
        },
        thenError: (tag: Err["_tag"]): Err => {
          if (Either.isRight(result)) throw new Error(`expected ${tag}, got events ${JSON.stringify(result.right)}`)
          expect(result.left._tag).toBe(tag)
          expect(typeof Reflect.get(result.left, "message")).toBe("string")
          return result.left
        },
        /** The state after the given events and the decided ones. */
        state: (): S => events_().reduce(decider.evolve, state)
      }
    }
  })
