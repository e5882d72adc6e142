import "server-only";
import { hasRole, type Role } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { errorResponse } from "./respond";

/**
 * A dashboard CSV download route: a session (401) with the role (403), checked
 * here and not only by the proxy, then the file, never cached.
 */
export function csvDownload({
  role,
  build,
}: {
  role: Role;
  build: (params: URLSearchParams) => Promise<{ filename: string; csv: string }>;
}) {
  return async (request: Request): Promise<Response> => {
    const user = await currentUser();
    if (!user) return errorResponse(401, "Sign in first");
    if (!hasRole(user.role, role)) return errorResponse(403, `Downloads here need the ${role} role`);
    const { filename, csv } = await build(new URL(request.url).searchParams);
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  };
}
