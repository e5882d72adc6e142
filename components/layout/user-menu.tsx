import { buttonClass } from "@/components/ui/button";

export function UserMenu({
  email,
  role,
  signOutAction,
}: {
  email: string;
  role: string;
  signOutAction: () => Promise<void>;
}) {
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="hidden text-zinc-600 sm:inline dark:text-zinc-400" data-testid="current-user">
        {email} <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800">{role}</span>
      </span>
      <form action={signOutAction}>
        <button type="submit" className={buttonClass("secondary")}>
          Sign out
        </button>
      </form>
    </div>
  );
}
