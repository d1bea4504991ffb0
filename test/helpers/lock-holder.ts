import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Another process holding a state directory's lock through the real `acquireLock`, as a running
 * `labmss watch` does; resolves once it holds it. Kill it (SIGKILL included) to let go.
 */
export async function holdLock(stateDir: string, command = 'labmss watch'): Promise<ChildProcess> {
  const lockModule = new URL('../../src/queue/lock.js', import.meta.url).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e',
    `const { acquireLock } = await import(${JSON.stringify(lockModule)});
     acquireLock(process.argv[1], process.argv[2]);
     process.stdout.write('held\\n');
     setInterval(() => {}, 60000);`, stateDir, command], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = await once(child.stdout!, 'data') as [Buffer];
  if (!chunk.toString().startsWith('held')) throw new Error(`lock holder: ${chunk.toString()}`);
  return child;
}
