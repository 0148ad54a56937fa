/** The files in `status.dir` that operators' scripts and clawctl read: named once. */
export const STATUS_FILE = 'status.json';
export const DIAGNOSIS_FILE = 'diagnosis.json';
