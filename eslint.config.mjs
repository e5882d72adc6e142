import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * The layers of lib/, lowest first (docs/architecture.md draws them). A
 * folder may import from its own layer's foundation and from any layer
 * below it, never from one above: `import/no-restricted-paths` resolves
 * every import (aliases and relative paths alike) and fails `npm run verify`
 * on a wrong arrow.
 */
const FOUNDATION = ["*.ts", "http", "jobs", "runtime", "auth", "audit", "imports"];
const LAYERS = [
  ["events"],
  ["providers"],
  ["records"],
  ["inbox"],
  ["processing"],
  ["ops", "reconciliation"],
  ["dashboard", "monitoring"],
  ["sandbox"],
];

const lib = (name) => `./lib/${name}`;
const above = (index) => LAYERS.slice(index + 1).flat();

const layerZones = [
  {
    target: FOUNDATION.map(lib),
    from: LAYERS.flat().map(lib),
    message:
      "The foundation (lib/*.ts: config, errors, log, money…; http, jobs, runtime, auth, audit, imports) imports no domain folder.",
  },
  ...LAYERS.flatMap((layer, index) =>
    layer.map((folder) => {
      const beside = layer.filter((other) => other !== folder);
      const forbidden = [...above(index), ...beside];
      return {
        target: lib(folder),
        from: forbidden.map(lib),
        message: `lib/${folder} may not import ${forbidden.join(", ")} (they sit above it or beside it): move the shared piece down, or pass it in from above.`,
      };
    }),
  ).filter((zone) => zone.from.length > 0),
  {
    // The events module's rollups serve the reads above: intake and processing never count.
    target: ["providers", "records", "inbox", "processing"].map(lib),
    from: [lib("events/rollups")],
    message:
      "lib/events/rollups serves the dashboard, metrics and operators' actions; intake, records and processing never import it.",
  },
  {
    target: "./lib",
    from: ["./app", "./components", "./scripts", "./tests"],
    message: "lib/ is imported by routes, components and scripts, never the other way round.",
  },
  {
    target: "./db",
    from: "./lib",
    except: ["./reconciliation-vocabulary.ts", "./config.ts"],
    message:
      "db/ is the client and the schema; lib/ builds on it (db/ reads its settings through lib/config.ts).",
  },
  {
    target: ["./app", "./components"],
    from: "./db",
    message: "app/ and components/ read and write through lib/, never db/.",
  },
  {
    target: "./components",
    from: "./app",
    message: "Components get server actions and data as props from the page that renders them.",
  },
];

// What a component may import from lib/: pure values and formatting, no data access.
const COMPONENT_LIB_IMPORTS = [
  "@/lib/money",
  "@/lib/dashboard/range",
  "@/lib/auth/roles",
  "@/lib/reconciliation-vocabulary",
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      "node_modules/**",
      ".data/**",
      ".tmp/**",
      "drizzle/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "import/no-restricted-paths": ["error", { zones: layerZones }],
    },
  },
  {
    // Test helpers named use* are vitest lifecycle helpers, not React hooks.
    files: ["tests/**", "scripts/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["components/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^@/lib/(?!(${COMPONENT_LIB_IMPORTS.map((path) => path.slice("@/lib/".length)).join("|")})$)`,
              allowTypeImports: true,
              message:
                "Components render what the page hands them: data and server actions come from app/ as props.",
            },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "ExpressionStatement[directive='use server']",
          message: "Server actions live in app/, beside the page that uses them.",
        },
      ],
      "no-restricted-globals": [
        "error",
        {
          name: "fetch",
          message:
            "Data fetching lives in app/: the page (or its client side there) fetches and passes the result in.",
        },
      ],
    },
  },
];

export default config;
