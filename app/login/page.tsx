import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { oidcEnabled } from "@/auth";
import { LoginForm } from "@/components/auth/login-form";
import { SandboxBadge } from "@/components/layout/sandbox-badge";
import { buttonClass } from "@/components/ui/button";
import { currentUser } from "@/lib/auth/session";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";
import { config } from "@/lib/config";
import { loginAction, oidcLoginAction } from "./actions";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const redirectTo = safeRedirectPath(params.redirectTo);
  if (await currentUser()) redirect(redirectTo);
  const {
    TALLY_SANDBOX: sandbox,
    TALLY_DEMO_EMAIL: demoEmail,
    TALLY_DEMO_PASSWORD: demoPassword,
    AUTH_OIDC_NAME: oidcName,
  } = config();
  return (
    <main className="flex min-h-screen items-center justify-center bg-zinc-50 p-4 dark:bg-zinc-950">
      <div className="w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mb-6 flex items-center gap-2">
          <h1 className="text-2xl font-semibold">Sign in to Tally</h1>
          {sandbox && <SandboxBadge />}
        </div>
        {demoEmail && demoPassword && (
          <p
            className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
            data-testid="demo-credentials"
          >
            Sandbox demo admin: <strong>{demoEmail}</strong> / <strong>{demoPassword}</strong>
          </p>
        )}
        <LoginForm action={loginAction} redirectTo={redirectTo} defaultEmail={demoEmail} />
        {oidcEnabled() && (
          <form action={oidcLoginAction} className="mt-4">
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <button type="submit" className={buttonClass("secondary", "w-full")}>
              {oidcName}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
