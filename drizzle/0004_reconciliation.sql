CREATE TABLE "bank_deposits" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bank_deposits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"statement_id" bigint NOT NULL,
	"booked_on" date NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"reference" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bank_statements" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bank_statements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"covers_from" date NOT NULL,
	"covers_to" date NOT NULL,
	"deposit_count" integer NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discrepancies" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "discrepancies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"provider" text NOT NULL,
	"object_id" text NOT NULL,
	"object_type" text NOT NULL,
	"object_created_at" timestamp with time zone,
	"expected_amount" bigint,
	"actual_amount" bigint,
	"currency" text,
	"amount_at_risk" bigint DEFAULT 0 NOT NULL,
	"expected" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actual" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"assignee" text,
	"resolution" text,
	"resolution_note" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"first_run_id" bigint,
	"last_run_id" bigint,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "discrepancies_status_check" CHECK ("discrepancies"."status" in ('open','resolved','ignored','auto_resolved'))
);
--> statement-breakpoint
CREATE TABLE "discrepancy_comments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "discrepancy_comments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"discrepancy_id" bigint NOT NULL,
	"author" text NOT NULL,
	"body" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discrepancy_sightings" (
	"discrepancy_id" bigint NOT NULL,
	"run_id" bigint NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "discrepancy_sightings_pk" PRIMARY KEY("discrepancy_id","run_id")
);
--> statement-breakpoint
CREATE TABLE "fee_schedules" (
	"provider" text PRIMARY KEY NOT NULL,
	"rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"tolerance" integer DEFAULT 0 NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "reconciliation_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"provider" text NOT NULL,
	"kind" text DEFAULT 'all' NOT NULL,
	"period_from" timestamp with time zone NOT NULL,
	"period_to" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"progress" jsonb DEFAULT '{"phase":"queued","pagesFetched":0,"recordsStaged":0,"matched":0,"eventsRecovered":0}'::jsonb NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requested_by" text NOT NULL,
	"schedule" text,
	"error" text,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "reconciliation_runs_status_check" CHECK ("reconciliation_runs"."status" in ('queued','running','succeeded','failed')),
	CONSTRAINT "reconciliation_runs_kind_check" CHECK ("reconciliation_runs"."kind" in ('all','transactions','settlement','fees'))
);
--> statement-breakpoint
CREATE TABLE "reconciliation_staged" (
	"run_id" bigint NOT NULL,
	"object_type" text NOT NULL,
	"object_id" text NOT NULL,
	"payment_intent_id" text,
	"charge_id" text,
	"status" text,
	"amount" bigint,
	"currency" text,
	"amount_refunded" bigint,
	"disputed" boolean,
	"customer" text,
	"fee" bigint,
	"net" bigint,
	"exchange_rate" numeric(20, 10),
	"txn_type" text,
	"source" text,
	"payout_id" text,
	"balance_transaction_id" text,
	"arrival_date" timestamp with time zone,
	"automatic" boolean,
	"created" timestamp with time zone NOT NULL,
	CONSTRAINT "reconciliation_staged_pk" PRIMARY KEY("run_id","object_type","object_id")
);
--> statement-breakpoint
ALTER TABLE "bank_deposits" ADD CONSTRAINT "bank_deposits_statement_id_bank_statements_id_fk" FOREIGN KEY ("statement_id") REFERENCES "public"."bank_statements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discrepancy_comments" ADD CONSTRAINT "discrepancy_comments_discrepancy_id_discrepancies_id_fk" FOREIGN KEY ("discrepancy_id") REFERENCES "public"."discrepancies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discrepancy_sightings" ADD CONSTRAINT "discrepancy_sightings_discrepancy_id_discrepancies_id_fk" FOREIGN KEY ("discrepancy_id") REFERENCES "public"."discrepancies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discrepancy_sightings" ADD CONSTRAINT "discrepancy_sightings_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_staged" ADD CONSTRAINT "reconciliation_staged_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bank_deposits_booked_idx" ON "bank_deposits" USING btree ("booked_on","currency");--> statement-breakpoint
CREATE INDEX "bank_statements_covers_idx" ON "bank_statements" USING btree ("covers_from","covers_to");--> statement-breakpoint
CREATE UNIQUE INDEX "discrepancies_identity_uq" ON "discrepancies" USING btree ("kind","provider","object_id");--> statement-breakpoint
CREATE INDEX "discrepancies_status_idx" ON "discrepancies" USING btree ("status","last_seen_at");--> statement-breakpoint
CREATE INDEX "discrepancies_object_idx" ON "discrepancies" USING btree ("provider","object_id");--> statement-breakpoint
CREATE INDEX "discrepancies_scope_idx" ON "discrepancies" USING btree ("provider","object_created_at");--> statement-breakpoint
CREATE INDEX "discrepancy_comments_discrepancy_idx" ON "discrepancy_comments" USING btree ("discrepancy_id","at");--> statement-breakpoint
CREATE INDEX "discrepancy_sightings_run_idx" ON "discrepancy_sightings" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "reconciliation_runs_queue_idx" ON "reconciliation_runs" USING btree ("created_at") WHERE "reconciliation_runs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "reconciliation_runs_created_idx" ON "reconciliation_runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "reconciliation_staged_payout_idx" ON "reconciliation_staged" USING btree ("run_id","payout_id");