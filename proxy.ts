import { NextResponse, type NextRequest } from "next/server";

// Auth.js's JWT cookie, with its optional __Secure- prefix and chunk suffixes.
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

/**
 * Sends browsers without a session cookie to the sign-in page, remembering
 * where they were going. Only a first gate, and deliberately cheap: it does
 * not decode or refresh the session (refreshing here would re-set the cookie
 * on the very response that signs a user out). Every page and action checks
 * the session and the role itself.
 */
export default function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (pathname === "/login" || pathname.startsWith("/login/")) return NextResponse.next();
  if (request.cookies.getAll().some((cookie) => SESSION_COOKIE.test(cookie.name))) return NextResponse.next();
  const login = new URL("/login", request.nextUrl.origin);
  if (pathname !== "/") login.searchParams.set("redirectTo", pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  // The REST API, webhooks, health and metrics authenticate themselves (and webhooks must stay fast);
  // so do the dashboard's CSV uploads, whose bodies a proxy would buffer and cut off at 10 MB.
  matcher: [
    "/((?!api/webhooks|api/v1|api/imports|api/health|api/metrics|api/auth|_next/static|_next/image|favicon.ico|robots.txt).*)",
  ],
};
