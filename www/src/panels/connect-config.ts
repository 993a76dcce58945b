// The sandbox that `make dashboard` started, asked from the server that serves the page
// (GET dashboard-config.json, same origin, no query). A static host has no such file: the
// Connect panel then starts on "An endpoint".

export interface SandboxConfig {
  baseUrl: string;
  token: string;
  employees: number | null;
}

export async function loadSandboxConfig(): Promise<SandboxConfig | null> {
  try {
    const response = await fetch(new URL("dashboard-config.json", document.baseURI), { cache: "no-store", credentials: "same-origin" });
    if (response.status !== 200) return null;
    const body = (await response.json()) as { sandbox?: Partial<SandboxConfig> };
    const sandbox = body.sandbox;
    if (!sandbox || typeof sandbox.baseUrl !== "string" || typeof sandbox.token !== "string") return null;
    return { baseUrl: sandbox.baseUrl, token: sandbox.token, employees: typeof sandbox.employees === "number" ? sandbox.employees : null };
  } catch {
    return null;
  }
}
