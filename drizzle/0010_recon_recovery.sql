ALTER TABLE "reconciliation_runs" ADD COLUMN "outcome" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "reconciliation_staged" ADD COLUMN "payload" jsonb;--> statement-breakpoint
CREATE INDEX "reconciliation_staged_payment_idx" ON "reconciliation_staged" USING btree ("run_id",coalesce("payment_intent_id", "charge_id", "object_id"));