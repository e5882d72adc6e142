"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/auth";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";

export type LoginState = { error?: string };

export async function loginAction(_previous: LoginState, form: FormData): Promise<LoginState> {
  try {
    await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirectTo: safeRedirectPath(form.get("redirectTo")),
    });
    return {};
  } catch (error) {
    // A successful sign-in "throws" Next's redirect; only Auth.js errors are failures.
    if (!(error instanceof AuthError)) throw error;
    const code = (error as AuthError & { code?: string }).code;
    if (code === "rate_limited") return { error: "Too many failed attempts. Wait 15 minutes and try again." };
    if (error.type === "CredentialsSignin") return { error: "Wrong e-mail or password." };
    return { error: "Sign-in failed. Try again." };
  }
}

export async function oidcLoginAction(form: FormData) {
  await signIn("oidc", { redirectTo: safeRedirectPath(form.get("redirectTo")) });
}
