import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A file that does not compile: where, and Python's own message. */
export interface PythonSyntaxError {
  path: string;
  line: number;
  column?: number;
  message: string;
}

/** The host's python3 (Debian's, as in the runtime image), unless MINIK8S_PYTHON names another. */
const PYTHON = process.env.MINIK8S_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

// compile() as py_compile does it, for every file at once: one interpreter per push, not per file.
const CHECK = `
import base64, json, sys
out = []
for f in json.load(sys.stdin):
    try:
        compile(base64.b64decode(f["source"]), f["path"], "exec", dont_inherit=True)
    except SyntaxError as e:
        out.append({"path": f["path"], "line": e.lineno or 1, "column": e.offset, "message": f"{type(e).__name__}: {e.msg}"})
    except ValueError as e:
        out.append({"path": f["path"], "line": 1, "message": f"{type(e).__name__}: {e}"})
json.dump(out, sys.stdout)
`;

/** Compiles Python sources without running them; resolves with the files that fail, empty when all compile. */
export function checkPythonSyntax(files: readonly { path: string; content: Buffer }[]): Promise<PythonSyntaxError[]> {
  if (files.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-I', '-c', CHECK], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`cannot run ${PYTHON} to check Python syntax: ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${PYTHON} failed checking Python syntax: ${Buffer.concat(err).toString().trim()}`));
      const found = JSON.parse(Buffer.concat(out).toString()) as PythonSyntaxError[];
      resolve(found.map((e) => ({ path: e.path, line: e.line, ...(e.column ? { column: e.column } : {}), message: e.message })));
    });
    child.stdin.end(JSON.stringify(files.map((f) => ({ path: f.path, source: f.content.toString('base64') }))));
  });
}
