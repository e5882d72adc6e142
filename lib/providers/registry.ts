import { adyenProvider } from "./adyen";
import { mangopayProvider } from "./mangopay";
import { stripeProvider } from "./stripe";
import type { ProviderName, WebhookProvider } from "./types";

const providers: Record<ProviderName, WebhookProvider> = {
  stripe: stripeProvider,
  mangopay: mangopayProvider,
  adyen: adyenProvider,
};

export function webhookProvider(name: string): WebhookProvider | undefined {
  return Object.hasOwn(providers, name) ? providers[name as ProviderName] : undefined;
}
