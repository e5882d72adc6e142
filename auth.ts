import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { baseAuthConfig } from "@/lib/auth/base-config";
import { clientAddress } from "@/lib/auth/client-address";
import { findActiveUserByEmail, verifyCredentials } from "@/lib/auth/users";
import { config } from "@/lib/config";

class RateLimited extends CredentialsSignin {
  code = "rate_limited";
}

type Provider = NextAuthConfig["providers"][number];

/**
 * Optional single sign-on through any OpenID Connect issuer. Only people who
 * already have an enabled Tally user (same e-mail) get in; the role is Tally's.
 */
function oidcProvider(): Provider[] {
  const {
    AUTH_OIDC_ISSUER: issuer,
    AUTH_OIDC_ID: clientId,
    AUTH_OIDC_SECRET: clientSecret,
    AUTH_OIDC_NAME,
  } = config();
  if (!issuer || !clientId || !clientSecret) return [];
  return [
    {
      id: "oidc",
      name: AUTH_OIDC_NAME,
      type: "oidc",
      issuer,
      clientId,
      clientSecret,
    },
  ];
}

export const oidcEnabled = () => oidcProvider().length > 0;

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...baseAuthConfig,
  providers: [
    Credentials({
      credentials: {
        email: { label: "E-mail", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, request) {
        const email = typeof credentials?.email === "string" ? credentials.email : "";
        const password = typeof credentials?.password === "string" ? credentials.password : "";
        if (!email || !password || email.length > 254 || password.length > 200) return null;
        const result = await verifyCredentials({ email, password, ip: clientAddress(request.headers) });
        if (!result.ok) {
          if (result.reason === "rate_limited") throw new RateLimited();
          return null;
        }
        return { id: String(result.user.id), email: result.user.email, role: result.user.role };
      },
    }),
    ...oidcProvider(),
  ],
  callbacks: {
    ...baseAuthConfig.callbacks,
    async signIn({ user, account }) {
      if (account?.provider !== "oidc") return true;
      return Boolean(user.email && (await findActiveUserByEmail({ email: user.email })));
    },
    async jwt({ token, user, account }) {
      if (account?.provider === "oidc" && user?.email) {
        const known = await findActiveUserByEmail({ email: user.email });
        if (known) {
          token.uid = String(known.id);
          token.role = known.role;
        }
        return token;
      }
      return baseAuthConfig.callbacks.jwt({ token, user });
    },
  },
});
