import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { baseAuthConfig } from "@/lib/auth/base-config";

const { auth } = NextAuth(baseAuthConfig);

/**
 * Sends signed-out browsers to the sign-in page, remembering where they were
 * going. Only a first gate: every page and action checks the role itself.
 */
export default auth((request) => {
  if (request.auth?.user) return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  if (pathname === "/login" || pathname.startsWith("/login/")) return NextResponse.next();
  const login = new URL("/login", request.nextUrl.origin);
  if (pathname !== "/") login.searchParams.set("redirectTo", pathname + search);
  return NextResponse.redirect(login);
});

export const config = {
  // The REST API, webhooks, health and metrics authenticate themselves (and webhooks must stay fast).
  matcher: [
    "/((?!api/webhooks|api/v1|api/health|api/metrics|api/auth|_next/static|_next/image|favicon.ico|robots.txt).*)",
  ],
};
