import type { CommandStartedEvent, Document } from 'mongodb';
import { mongoose } from '../../src/lib/db/index.js';

export interface CapturedCommand {
  name: string;
  /** The command document as sent (find, aggregate, count…), without driver bookkeeping. */
  command: Document;
}

// Sent by the driver on its own (sessions, handshakes), never by a page's code.
const DRIVER_CHATTER = new Set(['endSessions', 'hello', 'isMaster', 'ismaster', 'ping', 'buildInfo']);
const BOOKKEEPING = ['$db', 'lsid', '$clusterTime', 'txnNumber', '$readPreference', 'apiVersion'];

/**
 * Runs `work` and returns the database commands the app sent meanwhile (needs a connection made
 * with `useTestApp({ monitorCommands: true })`). Only one capture may run at a time.
 */
export async function captureCommands<T>(
  work: () => Promise<T>,
): Promise<{ result: T; commands: CapturedCommand[] }> {
  const client = mongoose.connection.getClient();
  const commands: CapturedCommand[] = [];
  const onStarted = (e: CommandStartedEvent): void => {
    if (DRIVER_CHATTER.has(e.commandName)) return;
    const command: Document = { ...e.command };
    for (const key of BOOKKEEPING) delete command[key];
    commands.push({ name: e.commandName, command });
  };
  client.on('commandStarted', onStarted);
  try {
    const result = await work();
    return { result, commands };
  } finally {
    client.off('commandStarted', onStarted);
  }
}

/** "find partners" style labels, for readable failure messages. */
export function describeCommands(commands: CapturedCommand[]): string[] {
  return commands.map((c) => `${c.name} ${String(c.command[c.name])}`);
}
