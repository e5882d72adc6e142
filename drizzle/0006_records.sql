CREATE TABLE "records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"provider" text NOT NULL,
	"object_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"amount" bigint,
	"currency" text,
	"amount_refunded" bigint DEFAULT 0 NOT NULL,
	"disputed" boolean DEFAULT false NOT NULL,
	"customer_id" text,
	"payment_id" text,
	"charge_id" text,
	"parent_id" text,
	"own_amount_refunded" bigint,
	"own_disputed" boolean,
	"fee" bigint,
	"net" bigint,
	"provider_created_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"last_event_id" text,
	"order_key" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "records_provider_object_uq" ON "records" USING btree ("provider","object_id");--> statement-breakpoint
CREATE INDEX "records_payment_idx" ON "records" USING btree ("provider","payment_id");--> statement-breakpoint
CREATE INDEX "records_charge_idx" ON "records" USING btree ("provider","charge_id") WHERE "records"."charge_id" is not null;--> statement-breakpoint
CREATE INDEX "records_kind_created_idx" ON "records" USING btree ("provider","kind","provider_created_at");