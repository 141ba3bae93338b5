// The errors the package throws.

/**
 * A Lua error: raised by error(), by the runtime, or a syntax error.
 * message is Lua's message ("[string \"...\"]:1: boom"), traceback Lua's
 * stack traceback when the error was not caught inside Lua, value the error
 * value itself when it is not a string (error({code = 42})), exitCode the
 * status given to os.exit.
 */
export class LuaError extends Error {
  constructor(message, { traceback = '', value, exitCode } = {}) {
    super(message);
    this.name = 'LuaError';
    this.traceback = traceback;
    if (value !== undefined) this.value = value;
    if (exitCode !== undefined) this.exitCode = exitCode;
  }
}

/**
 * A failure of the persistent store (IndexedDB, a file). code tells which:
 * 'unavailable' (no IndexedDB, as in some private modes), 'quota' (the
 * origin's storage quota is exhausted), 'blocked' (another tab holds an
 * older version of the database open), 'corrupt' (stored data cannot be
 * read), 'closed' (the store closed, or the page is going away), 'write'
 * (any other failed write), or 'conflict' (after another tab's commit, a
 * transaction of this one could not run again on the new state: Memory is
 * the database's state plus the transactions that did; cause holds the Lua
 * error). A failed write loses nothing: the change stays in memory and is
 * written again by the next commit or flush().
 */
export class StorageError extends Error {
  constructor(code, message, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StorageError';
    this.code = code;
  }
}

/**
 * A batchTableOperations call that changed nothing: index is the position
 * (from 0) of the operation that failed, operation that operation and
 * reason why it failed; index is -1 when the batch as a whole was refused
 * (more operations than the limit) or could not commit.
 */
export class BatchError extends Error {
  constructor(message, { index, operation, reason }) {
    super(message);
    this.name = 'BatchError';
    this.index = index;
    if (operation !== undefined) this.operation = operation;
    this.reason = reason;
  }
}
