import { describe, expect, it } from "vitest";
import { POST as createTokenRoute } from "@/app/api/v1/tokens/route";
import { DELETE as revokeTokenRoute } from "@/app/api/v1/tokens/[id]/route";
import { POST as createUserRoute } from "@/app/api/v1/users/route";
import { GET as listEventsRoute } from "@/app/api/v1/events/route";
import { callRoute } from "../helpers/http";
import { useTestDatabase, withSql } from "../helpers/db";

const database = useTestDatabase();
const ADMIN = "bootstrap-admin-token-for-tests";
process.env.API_TOKEN = ADMIN;

const json = (value: unknown) => ({
  body: JSON.stringify(value),
  headers: { "content-type": "application/json" },
});

describe("POST /api/v1/tokens and DELETE /api/v1/tokens/{id}", () => {
  it("creates a token shown once, stored hashed, usable, then revoked", async () => {
    const created = await callRoute(createTokenRoute, {
      method: "POST",
      path: "/api/v1/tokens",
      token: ADMIN,
      ...json({ name: "ci", role: "viewer" }),
    });
    expect(created.status).toBe(201);
    const { id, token, role } = created.json() as { id: number; token: string; role: string };
    expect(role).toBe("viewer");
    expect(token).toMatch(/^tly_/);

    const stored = await withSql(
      database.url,
      (sql) => sql`select token_hash from api_tokens where id = ${id}`,
    );
    expect(stored[0]!.token_hash).not.toContain(token);

    expect((await callRoute(listEventsRoute, { path: "/api/v1/events", token })).status).toBe(200);
    // A viewer token cannot mint tokens.
    const weak = await callRoute(createTokenRoute, {
      method: "POST",
      path: "/api/v1/tokens",
      token,
      ...json({ name: "x", role: "admin" }),
    });
    expect(weak.status).toBe(403);

    const revoked = await callRoute(revokeTokenRoute, {
      method: "DELETE",
      path: `/api/v1/tokens/${id}`,
      params: { id: String(id) },
      token: ADMIN,
    });
    expect(revoked.status).toBe(204);
    expect((await callRoute(listEventsRoute, { path: "/api/v1/events", token })).status).toBe(401);

    const audit = await withSql(
      database.url,
      (sql) => sql`select action, target, actor from audit_log order by id`,
    );
    expect(audit.map((row) => row.action)).toEqual(["token.create", "token.revoke"]);
    expect(audit[0]!.target).toBe(`token:${id}`);
  });

  it("404s for an unknown token and 401s without a bearer token", async () => {
    const missing = await callRoute(revokeTokenRoute, {
      method: "DELETE",
      path: "/api/v1/tokens/99999",
      params: { id: "99999" },
      token: ADMIN,
    });
    expect(missing.status).toBe(404);
    const anonymous = await callRoute(createTokenRoute, {
      method: "POST",
      path: "/api/v1/tokens",
      ...json({ name: "a", role: "viewer" }),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe("POST /api/v1/users", () => {
  it("creates a user with a hashed password and audits it", async () => {
    const response = await callRoute(createUserRoute, {
      method: "POST",
      path: "/api/v1/users",
      token: ADMIN,
      ...json({ email: "Ops@Example.com", password: "correct horse battery", role: "operator" }),
    });
    expect(response.status).toBe(201);
    expect(response.json()).toMatchObject({ email: "ops@example.com", role: "operator" });
    const [user] = await withSql(
      database.url,
      (sql) => sql`select password_hash from users where email = 'ops@example.com'`,
    );
    expect(user!.password_hash).toMatch(/^scrypt\$/);
    const [audit] = await withSql(
      database.url,
      (sql) => sql`select details from audit_log where action = 'user.create'`,
    );
    expect(audit!.details).toEqual({ email: "ops@example.com", role: "operator" });
  });

  it("refuses duplicates, bad roles and short passwords", async () => {
    const again = await callRoute(createUserRoute, {
      method: "POST",
      path: "/api/v1/users",
      token: ADMIN,
      ...json({ email: "ops@example.com", password: "another long password", role: "viewer" }),
    });
    expect(again.status).toBe(409);
    const badRole = await callRoute(createUserRoute, {
      method: "POST",
      path: "/api/v1/users",
      token: ADMIN,
      ...json({ email: "a@example.com", password: "long enough password", role: "root" }),
    });
    expect(badRole.status).toBe(400);
    const short = await callRoute(createUserRoute, {
      method: "POST",
      path: "/api/v1/users",
      token: ADMIN,
      ...json({ email: "b@example.com", password: "short", role: "viewer" }),
    });
    expect(short.status).toBe(400);
  });
});
