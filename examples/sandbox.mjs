// Starts the repository's sandbox server (built by `make sandbox`) on a free port.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const SANDBOX_BIN = fileURLToPath(new URL("../target/sandbox/task-profiles-sandbox", import.meta.url));

/** Resolves once the sandbox prints the URL it listens on; `stop()` ends it. */
export function startSandbox(args = []) {
  const child = spawn(SANDBOX_BIN, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => { child.kill(); reject(new Error(`the sandbox did not start within 10 s: ${out}`)); }, 10_000);
    child.on("error", (e) => { clearTimeout(timer); reject(new Error(`cannot start ${SANDBOX_BIN} (run make sandbox): ${e.message}`)); });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`the sandbox exited with ${code}: ${out}`)); });
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        child.stdout.resume();
        resolve({
          url: match[1],
          token: "sandbox-token",
          stop: () => new Promise((done) => { if (child.exitCode !== null || child.signalCode !== null) return done(); child.once("exit", done); child.kill(); }),
        });
      }
    });
  });
}
