export const ROLES = ["viewer", "operator", "finance", "admin"];
