import { z } from 'zod';

/** What an install did, in order: uninstall takes it back in reverse. */
export const manifestSchema = z.strictObject({
  version: z.literal(1),
  platform: z.enum(['linux', 'darwin']),
  scope: z.enum(['user', 'system']),
  installedAt: z.string(),
  entries: z.array(
    z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('mkdir'), path: z.string() }),
      z.strictObject({ type: z.literal('file'), path: z.string(), sha256: z.string() }),
      z.strictObject({ type: z.literal('symlink'), path: z.string(), target: z.string() }),
      z.strictObject({ type: z.literal('run'), argv: z.array(z.string()), undo: z.array(z.array(z.string())) }),
    ]),
  ),
});

export type InstallManifest = z.infer<typeof manifestSchema>;
export type ManifestEntry = InstallManifest['entries'][number];

/** A re-install (after a node upgrade, to refresh the links) adds to what the first one did; nothing is recorded twice. */
export function mergeManifestEntries(earlier: readonly ManifestEntry[], later: readonly ManifestEntry[]): ManifestEntry[] {
  const keyOf = (entry: ManifestEntry): string => (entry.type === 'run' ? `run:${entry.argv.join('\0')}` : `${entry.type}:${entry.path}`);
  const merged = new Map<string, ManifestEntry>();
  for (const entry of [...earlier, ...later]) {
    const key = keyOf(entry);
    if (merged.has(key)) merged.delete(key);
    merged.set(key, entry);
  }
  return [...merged.values()];
}
