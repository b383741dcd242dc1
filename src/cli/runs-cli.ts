// `lossbook runs …`: parsing only (commander, like main.ts); the work is in runs-commands.ts.
import { Option, type Command } from 'commander';
import type { CommandIo } from './commands';
import type { ExitCode } from './exit-codes';
import { runsCompareCommand, runsDeleteCommand, runsExportCommand, runsListCommand, runsNoteCommand, runsShowCommand, runsTagCommand } from './runs-commands';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerRunsCommands(program: Command, io: CommandIo, setExitCode: (code: ExitCode) => void): void {
  const runsDb = () => new Option('--runs-db <path>', 'the run store (an SQLite file); default: LOSSBOOK_RUNS_DB or runs.db in the user data folder');
  const filter = () => new Option('--filter <terms>', 'e.g. "learningRate>0.01 optimizer=Adam status=ok tag=baseline loss<0.5" (terms ANDed)');
  const runs = program.command('runs').description('the run store: every run recorded, listed, compared, exported');

  runs
    .command('list')
    .description('list the recorded runs, newest first')
    .option('--json', 'print the runs as JSON')
    .addOption(filter())
    .addOption(runsDb())
    .action(async (options) => setExitCode(await runsListCommand(options, io)));

  runs
    .command('show')
    .description('everything recorded about one run: params, metrics, model, findings, code')
    .argument('<run>', "the run's number (from runs list) or id")
    .option('--json', 'print the run (with its series) as JSON')
    .addOption(runsDb())
    .action(async (run: string, options) => setExitCode(await runsShowCommand(run, options, io)));

  runs
    .command('compare')
    .description('what changed from run A to run B: configuration, code, metrics at matched steps, findings')
    .argument('<a>', 'run A (number or id)')
    .argument('<b>', 'run B (number or id)')
    .option('--json', 'print the comparison as JSON')
    .option('--html <file>', 'also write the comparison as one self-contained HTML page (curves, code diff, findings; "-" for stdout)')
    .option('--into <notebook>', 'also keep the comparison in this .lossbook notebook: shown after its cells and in its HTML report')
    .addOption(runsDb())
    .action(async (a: string, b: string, options) => setExitCode(await runsCompareCommand(a, b, options, io)));

  runs
    .command('export')
    .description('write the runs\' series as CSV (run, number, series, step, value, smoothed) to stdout')
    .argument('[runs...]', 'runs to export (default: all, or those --filter keeps)')
    .option('--csv', 'CSV (the only format)')
    .option('--metric <name>', 'only this series (repeatable)', collect)
    .option('--smoothing <weight>', 'EMA weight of the smoothed column, 0 to 0.99 (default 0.6, as the charts)')
    .addOption(filter())
    .addOption(runsDb())
    .action(async (references: string[], options) => setExitCode(await runsExportCommand(references, options, io)));

  runs
    .command('delete')
    .description('delete runs for good (their points, findings, tags and note)')
    .argument('[runs...]', 'runs to delete (numbers or ids)')
    .option('--notebook <path>', 'every run recorded from this notebook (asks for --yes)')
    .option('--yes', 'confirm a --notebook delete')
    .addOption(runsDb())
    .action(async (references: string[], options) => setExitCode(await runsDeleteCommand(references, options, io)));

  runs
    .command('tag')
    .description('add tags to a run (or remove them with --remove)')
    .argument('<run>', 'the run (number or id)')
    .argument('[tags...]', 'tags to add')
    .option('--remove <tag>', 'a tag to remove (repeatable)', collect)
    .addOption(runsDb())
    .action(async (run: string, tags: string[], options) => setExitCode(await runsTagCommand(run, tags, options, io)));

  runs
    .command('note')
    .description("set a run's note (an empty text clears it)")
    .argument('<run>', 'the run (number or id)')
    .argument('<text>', 'the note')
    .addOption(runsDb())
    .action(async (run: string, text: string, options) => setExitCode(await runsNoteCommand(run, text, options, io)));
}
