"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { signOut } from "@/auth";

// Auth.js names the JWT cookie with an optional __Secure- prefix and splits large ones into .0, .1, …
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

export async function signOutAction() {
  await signOut({ redirect: false });
  // A JWT session is only its cookie: make sure every chunk of it is gone,
  // whatever Auth.js managed to set on this server-action response.
  const jar = await cookies();
  for (const cookie of jar.getAll()) if (SESSION_COOKIE.test(cookie.name)) jar.delete(cookie.name);
  redirect("/login");
}
