// Last-resort cleanup of child processes when this process exits: each child registers
// a synchronous kill. (Children also watch their stdin pipe, so even a SIGKILL of this
// process leaves no strays; see azurite.ts.)

const killers = new Set<() => void>();
let hooked = false;

export function registerChildCleanup(kill: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const k of killers) k();
    });
  }
  killers.add(kill);
  return () => killers.delete(kill);
}

/**
 * Preloaded into children: exit when the parent's end of the stdin pipe closes, which
 * happens however the parent dies. The pipe is unref'd so it never keeps a child alive.
 */
export const EXIT_WITH_PARENT_IMPORT =
  "data:text/javascript,process.stdin.on('end',()=>process.exit(0));process.stdin.on('error',()=>process.exit(0));process.stdin.resume();process.stdin.unref();";
