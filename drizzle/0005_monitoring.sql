CREATE TABLE "alert_firings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_firings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"rule" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"summary" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	"link" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"suppressed" boolean DEFAULT false NOT NULL,
	"notified_at" timestamp with time zone,
	"notified_count" bigint,
	"resolved_notified_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "alert_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"lag_threshold_seconds" integer DEFAULT 60 NOT NULL,
	"rejected_per_minute" integer DEFAULT 10 NOT NULL,
	"silent_worker_seconds" integer DEFAULT 60 NOT NULL,
	"dead_letter_window_minutes" integer DEFAULT 15 NOT NULL,
	"ack_failure_threshold" integer DEFAULT 5 NOT NULL,
	"ack_failure_window_minutes" integer DEFAULT 15 NOT NULL,
	"cooldown_minutes" integer DEFAULT 15 NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_settings_singleton" CHECK ("alert_settings"."id" = 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alert_firings_open_uq" ON "alert_firings" USING btree ("rule","subject") WHERE "alert_firings"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "alert_firings_rule_started_idx" ON "alert_firings" USING btree ("rule","subject","started_at");--> statement-breakpoint
CREATE INDEX "events_prunable_idx" ON "events" USING btree ("received_at") WHERE "events"."payload_pruned_at" is null and "events"."status" in ('processed', 'ignored', 'discarded');