import { start } from "./app.ts"

void start()
