/**
 * The executable behind `bin: waymark` (bundled to dist/cli.js): wires `run` to the real
 * process. Sets `process.exitCode` instead of calling `process.exit`, so output still in
 * the pipe is written before Node exits.
 */
import { readFileSync } from 'node:fs'
import { run } from './main'

run(process.argv.slice(2), {
  out: (s) => void process.stdout.write(s + '\n'),
  err: (s) => void process.stderr.write(s + '\n'),
  readFile: (path) => readFileSync(path, 'utf8'),
  cwd: process.cwd(),
}).then((code) => {
  process.exitCode = code
})
