/** The frames of both sockets, decoded with the contract the server builds them with. */
export { SessionFrame } from "../../contract/sessionFrames.ts"
export { UserFrame } from "../../contract/userFrames.ts"
