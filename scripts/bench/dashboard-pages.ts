/**
 * Times the first render (full server-rendered HTML) of dashboard pages as a
 * signed-in admin: signs in through Auth.js's credentials endpoint, then
 * fetches each page several times and reports min / median / max.
 *
 *   BASE_URL=http://127.0.0.1:3100 ADMIN_EMAIL=… ADMIN_PASSWORD=… npx tsx scripts/bench/dashboard-pages.ts
 */
const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const email = process.env.ADMIN_EMAIL ?? "";
const password = process.env.ADMIN_PASSWORD ?? "";
const pages = (
  process.env.PAGES ?? "/,/?range=7d,/events,/events?status=dead,/events?q=nothing,/dead-letters,/audit"
).split(",");
const runs = Number(process.env.RUNS ?? 5);

function cookiesFrom(response: Response, jar: Map<string, string>) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const [name, ...value] = pair!.split("=");
    jar.set(name!.trim(), value.join("="));
  }
}
const cookieHeader = (jar: Map<string, string>) =>
  [...jar].map(([name, value]) => `${name}=${value}`).join("; ");

async function signIn(): Promise<string> {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  cookiesFrom(csrf, jar);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/` }),
  });
  cookiesFrom(response, jar);
  if (![...jar.keys()].some((name) => name.includes("session-token"))) throw new Error("sign-in failed");
  return cookieHeader(jar);
}

async function main() {
  const cookie = await signIn();
  console.log(`| page | min ms | median ms | max ms | bytes |\n|---|---|---|---|---|`);
  for (const page of pages) {
    const times: number[] = [];
    let bytes = 0;
    for (let index = 0; index < runs; index += 1) {
      const started = performance.now();
      const response = await fetch(`${base}${page}`, { headers: { cookie }, redirect: "manual" });
      const body = await response.text();
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${page}: ${response.status}`);
      bytes = body.length;
    }
    times.sort((a, b) => a - b);
    const fmt = (value: number) => value.toFixed(0);
    console.log(
      `| ${page} | ${fmt(times[0]!)} | ${fmt(times[Math.floor(times.length / 2)]!)} | ${fmt(times.at(-1)!)} | ${bytes} |`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
