/**
 * How large input may be, each limit below the next layer's so that a too-large thing is refused
 * where it enters, by name, and never reaches etcd (whose default request limit is 1.5 MiB).
 */

/** One object as stored (its JSON): fits a single etcd request with room to spare. */
export const MAX_OBJECT_BYTES = 1024 * 1024;
/** One manifest file in Git. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** All manifests of one commit together. */
export const MAX_COMMIT_MANIFEST_BYTES = 16 * 1024 * 1024;
/** One push's pack, as git receive-pack reads it (receive.maxInputSize). */
export const MAX_PUSH_BYTES = 32 * 1024 * 1024;
/** One etcd transaction's values together: objects are batched under this. */
export const MAX_TXN_BYTES = 1024 * 1024 + 64 * 1024;
/** One API request body. */
export const MAX_API_BODY_BYTES = 2 * 1024 * 1024;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
