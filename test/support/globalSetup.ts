// Placeholder replaced by the Postgres cluster setup.
export default async function setup() {}
