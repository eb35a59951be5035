import type { S3Client } from '@aws-sdk/client-s3';

/** Records the name of every command a client sends (to see PutObject vs multipart). */
export function recordCommands(client: S3Client): string[] {
  const names: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      names.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'sluiceTestRecordCommands' },
  );
  return names;
}
