CREATE TABLE "adyen_settlement_reports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "adyen_settlement_reports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"covers_from" timestamp with time zone NOT NULL,
	"covers_to" timestamp with time zone NOT NULL,
	"sha256" text NOT NULL,
	"row_count" integer NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "adyen_settlement_rows" (
	"report_id" bigint NOT NULL,
	"line_no" integer NOT NULL,
	"company_account" text,
	"merchant_account" text NOT NULL,
	"psp_reference" text,
	"merchant_reference" text,
	"payment_method" text,
	"created_at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"modification_reference" text,
	"gross_currency" text,
	"gross_debit" bigint,
	"gross_credit" bigint,
	"exchange_rate" numeric(20, 10),
	"net_currency" text,
	"net_debit" bigint,
	"net_credit" bigint,
	"commission" bigint,
	"markup" bigint,
	"scheme_fees" bigint,
	"interchange" bigint,
	"batch_number" integer
);
--> statement-breakpoint
ALTER TABLE "adyen_settlement_rows" ADD CONSTRAINT "adyen_settlement_rows_report_id_adyen_settlement_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."adyen_settlement_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "adyen_settlement_reports_sha256_uq" ON "adyen_settlement_reports" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "adyen_settlement_reports_covers_idx" ON "adyen_settlement_reports" USING btree ("covers_from","covers_to");--> statement-breakpoint
CREATE UNIQUE INDEX "adyen_settlement_rows_line_uq" ON "adyen_settlement_rows" USING btree ("report_id","line_no");--> statement-breakpoint
CREATE INDEX "adyen_settlement_rows_psp_idx" ON "adyen_settlement_rows" USING btree ("psp_reference");--> statement-breakpoint
CREATE INDEX "adyen_settlement_rows_batch_idx" ON "adyen_settlement_rows" USING btree ("merchant_account","batch_number");--> statement-breakpoint
CREATE INDEX "adyen_settlement_rows_created_idx" ON "adyen_settlement_rows" USING btree ("created_at");