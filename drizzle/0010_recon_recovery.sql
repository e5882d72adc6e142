ALTER TABLE "reconciliation_runs" ADD COLUMN "outcome" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "reconciliation_staged" ADD COLUMN "payload" jsonb;