import type { NextAuthConfig } from "next-auth";
import { isRole } from "./roles";

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/**
 * The part of the Auth.js configuration that needs no database, shared by
 * `auth.ts` (sign-in) and `proxy.ts` (which only reads the session cookie).
 */
export const baseAuthConfig = {
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login", error: "/login" },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      const signedIn = user as { id?: string; role?: unknown } | undefined;
      if (signedIn?.id && isRole(signedIn.role)) {
        token.uid = signedIn.id;
        token.role = signedIn.role;
      }
      return token;
    },
    session({ session, token }) {
      const user = session.user as unknown as Record<string, unknown>;
      user.id = typeof token.uid === "string" ? token.uid : "";
      user.role = isRole(token.role) ? token.role : "viewer";
      return session;
    },
  },
} satisfies NextAuthConfig;
