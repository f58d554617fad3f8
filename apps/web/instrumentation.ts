// Boot checks, run once before the server accepts requests. NEXT_RUNTIME is set by Next itself
// (not configuration), so reading it here does not bypass loadConfig().
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { boot } = await import("./lib/boot");
  await boot();
}
