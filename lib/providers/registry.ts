import { stripeProvider } from "./stripe";
import type { ProviderName, WebhookProvider } from "./types";

const providers: Partial<Record<ProviderName, WebhookProvider>> = {
  stripe: stripeProvider,
};

export function webhookProvider(name: string): WebhookProvider | undefined {
  return Object.hasOwn(providers, name) ? providers[name as ProviderName] : undefined;
}
