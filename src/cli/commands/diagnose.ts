import { join } from 'node:path';
import { callDaemon } from '../../control/control-client.js';
import { isClawsupError } from '../../errors.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { resolveControlTarget } from '../control-target.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { renderDiagnosisDetail } from '../render-status.js';
import { readStatusFile } from '../read-status-file.js';
import { DIAGNOSIS_FILE } from '../../status/status-files.js';

interface DiagnoseResult {
  isCurrent: boolean;
  diagnosis: Record<string, unknown> | null;
}

export const diagnoseCommand: ClawctlCommand = {
  name: 'diagnose',
  summary: 'print the current diagnosis, or the last one (diagnosis.json when no daemon answers)',
  usage: 'clawctl [--config FILE | --socket PATH] diagnose [--json]',
  async run(args, context) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, this.usage);
    const target = await resolveControlTarget(context);
    let result: DiagnoseResult;
    try {
      result = (await callDaemon(target.socketPath, 'diagnose')) as DiagnoseResult;
    } catch (error) {
      if (!isClawsupError(error) || target.statusDir === null) throw error;
      context.stderr(`clawctl: ${error.message}; reading diagnosis.json instead\n`);
      result = { isCurrent: false, diagnosis: readDiagnosisFile(join(target.statusDir, DIAGNOSIS_FILE), context) };
    }
    if (values.json === true) {
      context.stdout(`${JSON.stringify(result, null, 2)}\n`);
    } else if (result.diagnosis === null) {
      context.stdout('no diagnosis: the gateway has not been in diagnose mode\n');
    } else {
      context.stdout(renderDiagnosisDetail(result.diagnosis, result.isCurrent));
    }
    return 0;
  },
};

/** The last diagnosis clawsupd wrote; none when there is no file, and a note when the file is not one. */
function readDiagnosisFile(path: string, context: ClawctlContext): Record<string, unknown> | null {
  const read = readStatusFile(path, 'a diagnosis object');
  if (read.ok) return read.value;
  if (read.problem !== 'ENOENT') context.stderr(`clawctl: ${path}: cannot read the last diagnosis (${read.problem})\n`);
  return null;
}
