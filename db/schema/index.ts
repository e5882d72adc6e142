export * from "./events";
export * from "./auth";
export * from "./audit";
export * from "./jobs";
export * from "./sign-in";
export * from "./reconciliation";
export * from "./monitoring";
export * from "./records";
