import Link from "next/link";
import type { ReactNode } from "react";
import { NavLinks, type NavItem } from "@/components/layout/nav-links";
import { AlertBanner } from "@/components/monitoring/alert-banner";
import { SandboxBadge } from "@/components/layout/sandbox-badge";
import { UserMenu } from "@/components/layout/user-menu";
import { requirePageRole } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { firingAlerts } from "@/lib/monitoring/alerts";
import { signOutAction } from "./actions";

export const dynamic = "force-dynamic";

const NAV: NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/events", label: "Events" },
  { href: "/dead-letters", label: "Dead letters" },
  { href: "/reconciliation", label: "Reconciliation" },
  { href: "/discrepancies", label: "Discrepancies" },
  { href: "/payouts", label: "Payouts" },
  { href: "/audit", label: "Audit log" },
  { href: "/settings", label: "Settings" },
];

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { user } = await requirePageRole("viewer");
  const alerts = await firingAlerts();
  const sandbox = config().TALLY_SANDBOX;
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <header className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <div className="flex items-center gap-2">
          <Link href="/" className="text-lg font-bold tracking-tight">
            Tally
          </Link>
          {sandbox && <SandboxBadge />}
        </div>
        <UserMenu email={user.email} role={user.role} signOutAction={signOutAction} />
      </header>
      <AlertBanner alerts={alerts} />
      <div className="flex flex-1 flex-col md:flex-row">
        <nav
          aria-label="Main"
          className="border-b border-zinc-200 p-2 md:w-52 md:shrink-0 md:border-b-0 md:border-r dark:border-zinc-800"
        >
          <NavLinks items={NAV} />
        </nav>
        <main id="main" className="min-w-0 flex-1 p-4 md:p-6">
          {children}
        </main>
      </div>
    </div>
  );
}
