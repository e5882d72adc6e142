/** The fixed settings of the e2e server, shared by the Playwright config and the tests. */
export const E2E = {
  port: Number(process.env.E2E_PORT ?? 3100),
  get baseURL() {
    return `http://127.0.0.1:${this.port}`;
  },
  adminEmail: "admin@e2e.test",
  adminPassword: "e2e-admin-password",
  apiToken: "e2e-bootstrap-api-token-0123456789",
  stripeSecret: "whsec_e2e_secret",
  /** The Stripe-compatible API the reconciliation spec starts; the app reads it during runs only. */
  stripeApiPort: Number(process.env.E2E_STRIPE_API_PORT ?? 3112),
  stripeApiKey: "sk_test_e2e",
} as const;
