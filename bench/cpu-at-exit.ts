// Preloaded into a benchmarked labmss process (`node --import`): at exit it writes the CPU time of the whole
// process, every thread included (getrusage), to the file named by LABMSS_BENCH_CPU_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.LABMSS_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (u.user + u.system) / 1000 }));
  });
}
