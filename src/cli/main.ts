// `lossbook`: run | export | serve | doctor. Parsing only; the commands live in commands.ts and
// return exit codes (exit-codes.ts, documented in docs/cli.md).
import { Command, CommanderError, Option } from 'commander';
import { KernelSupervisor } from '../host/kernel-supervisor';
import { runStorePath } from '../host/runs/location';
import { FAIL_ON_SEVERITIES } from '../shared/diagnosis/findings-policy';
import { startServer } from '../host/server';
import { LOSSBOOK_VERSION } from '../shared/version';
import { doctorCommand, exportCommand, parseBackend, runCommand, UsageError, type CommandIo, type SupervisorFactory } from './commands';
import { EXIT } from './exit-codes';
import { registerRunsCommands } from './runs-cli';

const io: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onSignal(listener) {
    const onInt = () => listener('SIGINT');
    const onTerm = () => listener('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  },
};

const createSupervisor: SupervisorFactory = (options) => new KernelSupervisor(options);

let exitCode: number = EXIT.ok;
const program = new Command()
  .name('lossbook')
  .description('Train, watch and diagnose TensorFlow.js models; never leak tensor memory.')
  .version(LOSSBOOK_VERSION)
  .exitOverride()
  .showHelpAfterError();

const runsDbOption = () => new Option('--runs-db <path>', 'the run store (an SQLite file); default: LOSSBOOK_RUNS_DB or runs.db in the user data folder');
const backendOption = () => new Option('--backend <name>', 'tfjs backend: gpu, node, wasm, cpu (or auto, webgpu, tensorflow-gpu, tensorflow); default: LOSSBOOK_BACKEND or auto');

program
  .command('run')
  .description('run a notebook or script headless through the Lossbook kernel and diagnosis')
  .argument('<file>', 'a .lossbook notebook, a percent-format script, or a plain tfjs script (.ts, .js, .mjs)')
  .option('--json <out.json>', 'write runs, metrics, findings and memory as JSON ("-" for stdout)')
  .option('--report <out.html>', 'write a self-contained HTML report')
  .option('--save <out.lossbook>', 'save the notebook with its runs')
  .option('--events <out.jsonl>', 'write every kernel event as one JSON line as it happens ("-" for stdout)')
  .addOption(backendOption())
  .option('--timeout <seconds>', 'interrupt the run after this many seconds (exit code 4)')
  .addOption(new Option('--fail-on <severity>', 'exit with code 3 when a finding of this severity or worse appears').choices(FAIL_ON_SEVERITIES))
  .option('--keep-going', 'run the remaining cells after a cell fails')
  .option('--no-progress', 'plain progress lines even on a terminal')
  .addOption(runsDbOption())
  .option('--no-record', 'do not record the runs in the run store')
  .action(async (file: string, options) => {
    exitCode = await runCommand(file, options, io, createSupervisor);
  });

program
  .command('export')
  .description('export a notebook as a self-contained HTML report (or as a percent-format script, or a Jupyter notebook)')
  .argument('<file>', 'a .lossbook notebook')
  .option('--html <out.html>', 'where to write the report (default: beside the notebook)')
  .option('--script <out.ts>', 'also write the cells as a percent-format script')
  .option('--ipynb <out.ipynb>', 'also write a Jupyter notebook (nbformat 4.5, TypeScript kernel such as tslab)')
  .option('--title <title>', 'report title (default: the notebook title)')
  .action(async (file: string, options) => {
    exitCode = await exportCommand(file, options, io);
  });

program
  .command('serve')
  .description('browser mode: serve the notebook UI on 127.0.0.1 with a private token URL')
  .argument('[file]', 'a notebook or script to open')
  .option('--port <port>', 'port (default: a free one)')
  .addOption(backendOption())
  .addOption(runsDbOption())
  .action(async (file: string | undefined, options: { port?: string; backend?: string; runsDb?: string }) => {
    const port = options.port === undefined ? undefined : Number(options.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port takes a port number (got "${options.port}").`);
    const { backend } = parseBackend(options.backend, io.env);
    // Browser mode records runs too (issue 20), unless LOSSBOOK_RUNS_DB=off.
    const runsDb = io.env.LOSSBOOK_RUNS_DB === 'off' ? undefined : runStorePath({ flag: options.runsDb, env: io.env });
    const server = await startServer({ ...(port !== undefined ? { port } : {}), ...(file ? { notebookPath: file } : {}), backend, ...(runsDb ? { runsDb } : {}) });
    process.stdout.write(`lossbook: browser mode at ${server.url}\n`);
    await new Promise<void>((resolveStop) => {
      const stop = () => resolveStop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.stderr.write('lossbook: stopping browser mode…\n');
    await Promise.race([server.close(), new Promise((resolveLater) => setTimeout(resolveLater, 10_000).unref())]);
  });

registerRunsCommands(program, io, (code) => (exitCode = code));

program
  .command('doctor')
  .description('which tfjs backends load here and why not; GPU adapter and driver')
  .option('--json', 'print the findings as JSON')
  .option('--ray <address>', 'check a Ray cluster for sweeps instead: Ray and Python versions, nodes, CPUs/GPUs (LOSSBOOK_PYTHON picks the Python)')
  .option('--fix', 'install @tensorflow/tfjs-node (native CPU, every kernel) with its install script and verify it; says in one line why not where it cannot download')
  .action(async (options: { json?: boolean; fix?: boolean; ray?: string }) => {
    exitCode = await doctorCommand(options, io, createSupervisor);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with code 0.
    exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof UsageError) {
    process.stderr.write(`lossbook: ${error.message}\n`);
    exitCode = EXIT.usage;
  } else {
    // Errors from the host are written for the user; the stack only helps when debugging.
    process.stderr.write(`lossbook: ${io.env.LOSSBOOK_DEBUG ? ((error as Error).stack ?? String(error)) : ((error as Error).message ?? String(error))}\n`);
    exitCode = EXIT.cellFailed;
  }
}
process.exit(exitCode);
