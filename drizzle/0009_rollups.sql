CREATE TABLE "event_count_totals" (
	"provider" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"recovered" boolean NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "event_count_totals_pk" PRIMARY KEY("provider","type","status","recovered")
);
--> statement-breakpoint
CREATE TABLE "event_lag_totals" (
	"provider" text NOT NULL,
	"bin" smallint NOT NULL,
	"count" bigint NOT NULL,
	"lag_sum_us" bigint NOT NULL,
	CONSTRAINT "event_lag_totals_pk" PRIMARY KEY("provider","bin")
);
--> statement-breakpoint
CREATE TABLE "event_minute_counts" (
	"minute" timestamp with time zone NOT NULL,
	"provider" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"recovered" boolean NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "event_minute_counts_pk" PRIMARY KEY("minute","provider","type","status","recovered")
);
--> statement-breakpoint
CREATE TABLE "event_minute_lag" (
	"minute" timestamp with time zone NOT NULL,
	"provider" text NOT NULL,
	"bin" smallint NOT NULL,
	"count" bigint NOT NULL,
	"lag_sum_us" bigint NOT NULL,
	"lag_min_us" bigint NOT NULL,
	"lag_max_us" bigint NOT NULL,
	CONSTRAINT "event_minute_lag_pk" PRIMARY KEY("minute","provider","bin")
);
--> statement-breakpoint
CREATE TABLE "rollup_dirty_minutes" (
	"minute" timestamp with time zone PRIMARY KEY NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollup_open_events" (
	"event_id" bigint PRIMARY KEY NOT NULL,
	"minute" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollup_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"watermark" timestamp with time zone,
	"lag_bins" text NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rollup_state_singleton" CHECK ("rollup_state"."id" = 1)
);
--> statement-breakpoint
CREATE INDEX "rollup_open_events_minute_idx" ON "rollup_open_events" USING btree ("minute");