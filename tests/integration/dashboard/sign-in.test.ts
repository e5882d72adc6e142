import { describe, expect, it } from "vitest";
import { MAX_FAILURES_PER_EMAIL } from "@/lib/auth/rate-limit";
import { systemPrincipal } from "@/lib/auth/principal";
import { createUser, findActiveUser, updateUser, verifyCredentials } from "@/lib/auth/users";
import { useTestDatabase, withSql } from "../helpers/db";

const database = useTestDatabase();
const admin = systemPrincipal("test");

describe("verifyCredentials", () => {
  it("accepts the right password, case-insensitively on the e-mail", async () => {
    await createUser({
      principal: admin,
      input: { email: "ana@example.com", password: "a long password", role: "finance" },
    });
    const result = await verifyCredentials({
      email: "ANA@example.com",
      password: "a long password",
      ip: "10.0.0.1",
    });
    expect(result).toMatchObject({ ok: true, user: { email: "ana@example.com", role: "finance" } });
  });

  it("rejects a wrong password and an unknown e-mail alike", async () => {
    expect(
      await verifyCredentials({ email: "ana@example.com", password: "wrong password", ip: "10.0.0.2" }),
    ).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(
      await verifyCredentials({ email: "nobody@example.com", password: "whatever", ip: "10.0.0.2" }),
    ).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("locks an e-mail out after repeated failures, even with the right password, from any address", async () => {
    await createUser({
      principal: admin,
      input: { email: "bo@example.com", password: "a long password", role: "viewer" },
    });
    for (let attempt = 0; attempt < MAX_FAILURES_PER_EMAIL; attempt += 1) {
      await verifyCredentials({ email: "bo@example.com", password: "guess", ip: `10.1.0.${attempt}` });
    }
    const result = await verifyCredentials({
      email: "bo@example.com",
      password: "a long password",
      ip: "10.9.9.9",
    });
    expect(result).toEqual({ ok: false, reason: "rate_limited" });
    const [row] = await withSql(
      database.url,
      (sql) =>
        sql`select count(*)::int as n from sign_in_attempts where key = 'email:bo@example.com' and not succeeded`,
    );
    expect(row!.n).toBe(MAX_FAILURES_PER_EMAIL);
  });

  it("refuses a disabled user and takes a role change into account at once", async () => {
    const user = await createUser({
      principal: admin,
      input: { email: "cy@example.com", password: "a long password", role: "viewer" },
    });
    await updateUser({ principal: admin, input: { userId: user.id, role: "operator" } });
    expect(await findActiveUser({ id: user.id })).toMatchObject({ role: "operator" });
    await updateUser({ principal: admin, input: { userId: user.id, disabled: true } });
    expect(await findActiveUser({ id: user.id })).toBeNull();
    expect(
      await verifyCredentials({ email: "cy@example.com", password: "a long password", ip: "10.0.0.3" }),
    ).toMatchObject({
      ok: false,
    });
    const actions = await withSql(
      database.url,
      (sql) => sql`select action from audit_log where target = ${`user:${user.id}`} order by id`,
    );
    expect(actions.map((row) => row.action)).toEqual(["user.create", "user.role_change", "user.disable"]);
  });

  it("refuses user management to non-admins", async () => {
    const operator = { kind: "user" as const, id: "1", actor: "user:op", role: "operator" as const };
    await expect(
      createUser({
        principal: operator,
        input: { email: "x@example.com", password: "a long password", role: "admin" },
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });
});
