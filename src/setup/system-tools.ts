// The system tools the test suite drives for real, and the Debian packages that provide them. `npm test` runs
// `ensureSystemTools` first (the `pretest` script), so a fresh machine needs no step by hand: as root with apt-get
// (CI, containers) a missing tool is installed; otherwise the run says what is missing and how to get it, and the
// tests that need it say so too.
import os from 'node:os';
import { execa } from 'execa';
import { findPgbench } from '../bench/baseline/find-pgbench';
import { findChromium } from '../bench/report/headless-chromium';
import { locatePsql } from '../writer/psql-locator';
import { answersVersion, HA_BINARIES, isExecutable } from '../ha/ha-binaries';
import { locatePgbouncer } from '../cluster/pgbouncer-binary';

export interface SystemTool {
  /** Command name, for messages. */
  readonly name: string;
  /** Debian package that provides it; null when it is never installed automatically. */
  readonly debianPackage: string | null;
  /** What the project uses it for. */
  readonly neededFor: string;
  /** True when a working binary is present. Never throws. */
  readonly present: () => Promise<boolean>;
}

/**
 * The tools, in the order they are checked. pgbench is reported but not installed: Debian ships it in the
 * `postgresql` server package, whose install starts a system server on 5432; the bench reports its absence instead.
 */
export const SYSTEM_TOOLS: readonly SystemTool[] = [
  {
    name: 'psql',
    debianPackage: 'postgresql-client',
    neededFor: "the writer's local psql fallback and its tests",
    present: () =>
      locatePsql().then(
        () => true,
        () => false,
      ),
  },
  {
    name: 'chromium',
    debianPackage: 'chromium',
    neededFor: 'rendering the HTML benchmark report in a test',
    present: () => findChromium().then((found) => found !== null),
  },
  {
    name: 'pgbench',
    debianPackage: null,
    neededFor: 'the pgbench baseline of `npm run bench` (optional)',
    present: () => findPgbench().then((found) => found !== null),
  },
  {
    // Debian's package ships both binaries; promtool checks and unit-tests the alert rules without a server.
    name: 'prometheus',
    debianPackage: 'prometheus',
    neededFor: 'the Prometheus config, alert rules and Grafana dashboard tests (ops/, __tests__/ops)',
    present: async () => (await commandAnswers('prometheus')) && (await commandAnswers('promtool')),
  },
  // The HA cluster (`npm run ha:up`, src/ha): Patroni, etcd and PostgreSQL 15's tools from Debian's packages.
  {
    name: 'patroni',
    debianPackage: 'patroni',
    neededFor: 'the HA cluster (npm run ha:up) and its tests',
    present: () => answersVersion(HA_BINARIES.patroni),
  },
  {
    name: 'etcd',
    debianPackage: 'etcd-server',
    neededFor: "the HA cluster's DCS (npm run ha:up)",
    present: () => answersVersion(HA_BINARIES.etcd),
  },
  {
    name: 'etcdctl',
    debianPackage: 'etcd-client',
    neededFor: "inspecting the HA cluster's DCS by hand",
    present: () => isExecutable(HA_BINARIES.etcdctl),
  },
  {
    // Debian's postgresql-15 creates (and, where services may start, starts) a `main` cluster on 5432.
    name: 'pg_basebackup (PostgreSQL 15)',
    debianPackage: 'postgresql-15',
    neededFor: "the HA cluster's replicas and rejoins (pg_basebackup, pg_rewind)",
    present: () => isExecutable(HA_BINARIES.pgBasebackup),
  },
  {
    // 1.18 from Debian. Where systemd runs, the package also starts its own service on port 6432; the project's
    // PgBouncers are separate processes on their own ports (src/cluster/pgbouncer-process.ts).
    name: 'pgbouncer',
    debianPackage: 'pgbouncer',
    neededFor: 'one PgBouncer per local node (npm run cluster:up -- --pgbouncer) and the tests through them',
    present: () =>
      locatePgbouncer().then(
        () => true,
        () => false,
      ),
  },
];

export interface InstallPlan {
  /** Debian packages to install now. */
  readonly install: readonly string[];
  /** One line per missing tool that will not be installed, saying why and what to do. */
  readonly advice: readonly string[];
}

/** Decides what to install: only packages of missing tools, and only when we are root with apt-get. */
export function planInstall(
  missing: readonly SystemTool[],
  host: { readonly isRoot: boolean; readonly hasApt: boolean },
): InstallPlan {
  const install: string[] = [];
  const advice: string[] = [];
  for (const tool of missing) {
    if (tool.debianPackage === null) {
      advice.push(`${tool.name} is not installed (used for ${tool.neededFor}); it is optional.`);
    } else if (host.isRoot && host.hasApt) {
      install.push(tool.debianPackage);
    } else {
      const why = host.hasApt ? 'not running as root' : 'apt-get is not available';
      advice.push(
        `${tool.name} is not installed (used for ${tool.neededFor}) and was not installed automatically ` +
          `(${why}): install the ${tool.debianPackage} package, e.g. \`sudo apt-get install -y ${tool.debianPackage}\`.`,
      );
    }
  }
  return { install, advice };
}

export interface EnsureResult {
  readonly installed: readonly string[];
  readonly advice: readonly string[];
}

/** Runs one apt-get command non-interactively; throws, with its output, when it fails. */
export type AptRunner = (args: readonly string[]) => Promise<void>;

const runApt: AptRunner = async (args) => {
  const r = await execa('apt-get', args, {
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: 600_000,
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.exitCode !== 0) {
    throw new Error(`apt-get ${args.join(' ')} exited with ${r.exitCode ?? r.signal}: ${String(r.all).slice(-1500)}`);
  }
};

/** True when `command --version` runs and exits 0 within 10 s. */
async function commandAnswers(command: string): Promise<boolean> {
  const r = await execa(command, ['--version'], { reject: false, stdin: 'ignore', timeout: 10_000 }).catch(() => null);
  return r !== null && r.exitCode === 0;
}

async function hasAptGet(): Promise<boolean> {
  const r = await execa('apt-get', ['--version'], { reject: false, stdin: 'ignore' }).catch(() => null);
  return r !== null && r.exitCode === 0;
}

/**
 * Checks every tool and installs the missing ones it may. apt-get install is tried first with the package lists
 * already on the machine, then once more after `apt-get update`.
 */
export async function ensureSystemTools(
  tools: readonly SystemTool[] = SYSTEM_TOOLS,
  options: { readonly isRoot?: boolean; readonly hasApt?: boolean; readonly apt?: AptRunner } = {},
): Promise<EnsureResult> {
  const missing: SystemTool[] = [];
  for (const tool of tools) if (!(await tool.present())) missing.push(tool);
  if (missing.length === 0) return { installed: [], advice: [] };
  const plan = planInstall(missing, {
    isRoot: options.isRoot ?? os.userInfo().uid === 0,
    hasApt: options.hasApt ?? (await hasAptGet()),
  });
  if (plan.install.length === 0) return { installed: [], advice: plan.advice };
  const apt = options.apt ?? runApt;
  const installArgs = ['install', '-y', '--no-install-recommends', ...plan.install];
  try {
    await apt(installArgs);
  } catch {
    try {
      await apt(['update']);
      await apt(installArgs);
    } catch (cause) {
      throw new Error(
        `Could not install ${plan.install.join(', ')} with apt-get. Install them by hand ` +
          `(apt-get update && apt-get install -y ${plan.install.join(' ')}) and run the tests again.`,
        { cause },
      );
    }
  }
  const stillMissing: string[] = [];
  for (const tool of missing) {
    if (tool.debianPackage && plan.install.includes(tool.debianPackage) && !(await tool.present())) {
      stillMissing.push(tool.name);
    }
  }
  if (stillMissing.length > 0) {
    throw new Error(`apt-get installed ${plan.install.join(', ')}, but ${stillMissing.join(', ')} still does not run.`);
  }
  return { installed: plan.install, advice: plan.advice };
}
