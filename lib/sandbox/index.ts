/** The sandbox's public surface, for tests, benchmarks and scripts. */
export {
  generateBusiness,
  SandboxBusiness,
  SANDBOX_FEE,
  type BusinessCounts,
  type FeeSchedule,
} from "./business";
export { startSimulator, type Simulator, type SimulatorOptions, type SimulatorStats } from "./simulator";
export { NO_FAULTS, SANDBOX_FAULTS, type FaultRates } from "./simulator/planner";
export { startStripeApiServer, type StripeApiServer } from "./stripe-api/server";
export * from "./stripe-api/objects";
