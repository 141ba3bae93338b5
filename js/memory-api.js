// The arguments of the persistent-Memory methods (persistFunction,
// batchTableOperations, createIndex, queryTable, setSchema,
// enableAuditLog), checked and put in the shape the engine reads.
//
// Each method's arguments cross to Go as one wire message (wire.js), where
// JS objects become Lua tables: a batch is a list of op tables, a query
// spec a table with query's option names, a schema a table of field rules.
// What JS can check without the engine is checked here, so that a misuse
// fails with the method's name and the argument at fault before anything
// runs; the engine checks the rest (a query's where/any clauses, a
// schema's nested fields) with its own messages.
//
// Collections are the tables directly inside Memory. The seed's calls name
// them two ways: queryTable('Memory', { table: 'appUsers', ... }) and
// createIndex('Memory', 'appUsers.score') address a collection through
// Memory, setSchema('users', ...) names it directly.

export const ROOT = 'Memory';

export const OPERATORS = Object.freeze(['=', '!=', '<', '<=', '>', '>=', 'between', 'startsWith', 'endsWith', 'contains', 'in']);
export const INDEX_TYPES = Object.freeze(['btree', 'hash', 'suffix']);
export const BATCH_TYPES = Object.freeze(['set', 'get', 'delete', 'query']);
// The engine's audited operation kinds (engine.AuditOperations);
// batchTableOperations stands for set, get, delete and query.
export const AUDITED = Object.freeze(['eval', 'persistFunction', 'batchTableOperations', 'set', 'get', 'delete', 'query', 'setSchema', 'createIndex', 'import']);
const SCHEMA_TYPES = ['string', 'number', 'integer', 'boolean', 'table', 'function'];
const SCHEMA_RULES = ['type', 'required', 'min', 'max', 'minLength', 'maxLength', 'pattern', 'enum', 'fields'];

const describe = (v) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v) : typeof v);

function fail(method, what) {
  return new TypeError(`${method}: ${what}`);
}

function name(method, arg, v) {
  if (typeof v !== 'string' || v === '') throw fail(method, `${arg} must be a non-empty string, got ${describe(v)}`);
  return v;
}

function plainObject(method, arg, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw fail(method, `${arg} must be an object, got ${describe(v)}`);
  return v;
}

function options(method, v, allowed) {
  if (v === undefined) return {};
  plainObject(method, 'options', v);
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw fail(method, `unknown option '${k}' (expected ${allowed.join(', ')})`);
  }
  return v;
}

function bool(method, what, v) {
  if (v !== undefined && typeof v !== 'boolean') throw fail(method, `${what} must be a boolean, got ${describe(v)}`);
  return v;
}

/**
 * A collection name from a table argument and, when the table is Memory
 * itself, the name the rest of the call gives.
 */
function collection(method, table, within) {
  name(method, 'table', table);
  if (table === ROOT || table.startsWith(`${ROOT}.`)) {
    const inner = table === ROOT ? within : table.slice(ROOT.length + 1) + (within ? `.${within}` : '');
    if (!inner) throw fail(method, `name a collection of Memory: ${method}('Memory', ...) needs the collection (${method === 'queryTable' ? "query.table: 'appUsers'" : "'appUsers.score'"})`);
    return inner;
  }
  return table;
}

/** [table, name, code, { compress, validate }] of persistFunction. */
export function persistArgs(table, fname, code, opts) {
  const m = 'persistFunction';
  name(m, 'table', table);
  name(m, 'name', fname);
  if (typeof code !== 'string') throw fail(m, `code must be a string of Lua code, got ${describe(code)}`);
  const o = options(m, opts, ['compress', 'validate']);
  bool(m, 'options.compress', o.compress);
  bool(m, 'options.validate', o.validate);
  return [table, fname, code, { compress: o.compress ?? true, validate: o.validate ?? true }];
}

/** The ops of batchTableOperations, as the engine reads them. */
export function batchOps(ops) {
  const m = 'batchTableOperations';
  if (!Array.isArray(ops)) throw fail(m, `operations must be an array, got ${describe(ops)}`);
  return ops.map((op, i) => {
    const at = `operation ${i + 1}`;
    if (op === null || typeof op !== 'object' || Array.isArray(op)) throw fail(m, `${at} must be an object, got ${describe(op)}`);
    if (!BATCH_TYPES.includes(op.type)) throw fail(m, `${at}: type must be one of ${BATCH_TYPES.join(', ')}, got ${describe(op.type)}`);
    for (const k of Object.keys(op)) {
      if (!['type', 'table', 'key', 'value', 'query'].includes(k)) throw fail(m, `${at}: unknown field '${k}'`);
    }
    const out = { type: op.type, table: name(m, `${at}: table`, op.table) };
    if (op.type === 'query') {
      out.query = querySpec(m, op.query, `${at}: query`);
      return out;
    }
    if (typeof op.key !== 'string' && !(typeof op.key === 'number' && Number.isFinite(op.key))) {
      throw fail(m, `${at}: key must be a string or a finite number, got ${describe(op.key)}`);
    }
    out.key = op.key;
    if (op.type === 'set') {
      if (op.value === undefined || op.value === null) throw fail(m, `${at}: a set needs a value (use type 'delete' to remove an entry)`);
      out.value = op.value;
    }
    return out;
  });
}

/** [collection, field, type] of createIndex. */
export function indexArgs(table, field, type = 'btree') {
  const m = 'createIndex';
  name(m, 'field', field);
  if (!INDEX_TYPES.includes(type)) throw fail(m, `type must be one of ${INDEX_TYPES.join(', ')}, got ${describe(type)}`);
  if (table === ROOT) {
    const dot = field.indexOf('.');
    if (dot <= 0 || dot === field.length - 1) {
      throw fail(m, `with 'Memory' as the table, field names the collection first: 'appUsers.score', got ${describe(field)}`);
    }
    return [field.slice(0, dot), field.slice(dot + 1), type];
  }
  return [collection(m, table, ''), field, type];
}

/** [collection, spec] of queryTable. */
export function queryArgs(table, query) {
  const m = 'queryTable';
  const spec = querySpec(m, query, 'query');
  let coll;
  if (table === ROOT) {
    coll = collection(m, table, spec.table);
  } else {
    coll = collection(m, table, '');
    if (spec.table !== undefined && spec.table !== coll) throw fail(m, `query.table ${describe(spec.table)} names another collection than ${describe(coll)}`);
  }
  delete spec.table;
  return [coll, spec];
}

function querySpec(m, q, what) {
  plainObject(m, what, q);
  const spec = { ...q };
  if (spec.table !== undefined) name(m, `${what}.table`, spec.table);
  if (spec.field !== undefined) name(m, `${what}.field`, spec.field);
  const op = spec.operator ?? spec.op;
  if (op !== undefined) {
    if (!OPERATORS.includes(op) && op !== '==' && op !== '~=') throw fail(m, `${what}.operator must be one of ${OPERATORS.join(', ')}, got ${describe(op)}`);
    if (spec.field === undefined) throw fail(m, `${what}.operator needs a field`);
    if (op === 'between' && !(Array.isArray(spec.value) && spec.value.length === 2)) {
      throw fail(m, `${what}: between needs value: [low, high], got ${describe(spec.value)}`);
    }
    if (op === 'in' && !Array.isArray(spec.value)) throw fail(m, `${what}: in needs an array of values, got ${describe(spec.value)}`);
    if (['startsWith', 'endsWith', 'contains'].includes(op) && typeof spec.value !== 'string') {
      throw fail(m, `${what}: ${op} needs a string value, got ${describe(spec.value)}`);
    }
    if (spec.value === undefined) throw fail(m, `${what}.operator needs a value`);
  } else if (spec.field !== undefined && spec.value === undefined) {
    throw fail(m, `${what}.field needs an operator and a value`);
  }
  for (const k of ['limit', 'offset']) {
    if (spec[k] !== undefined && !(Number.isInteger(spec[k]) && spec[k] >= 0)) throw fail(m, `${what}.${k} must be a non-negative integer, got ${describe(spec[k])}`);
  }
  if (typeof spec.sort === 'string' && spec.sort !== 'asc' && spec.sort !== 'desc') {
    throw fail(m, `${what}.sort must be 'asc', 'desc' or { field, order }, got ${describe(spec.sort)}`);
  }
  return spec;
}

/**
 * [collection, schema] of setSchema. A RegExp pattern becomes its source,
 * its i, m and s flags inline flags ((?i)), the form the engine stores; in
 * the browser the engine runs it as a RegExp again (engine/pattern_js.go).
 */
export function schemaArgs(table, schema) {
  const m = 'setSchema';
  return [collection(m, table, ''), schemaFields(m, schema, 'schema')];
}

function schemaFields(m, schema, at) {
  plainObject(m, at, schema);
  const out = {};
  for (const [field, rules] of Object.entries(schema)) {
    out[field] = fieldRules(m, rules, `${at}.${field}`);
  }
  return out;
}

function fieldRules(m, rules, at) {
  plainObject(m, at, rules);
  const out = {};
  for (const [rule, v] of Object.entries(rules)) {
    if (!SCHEMA_RULES.includes(rule)) throw fail(m, `${at}: unknown rule '${rule}' (expected ${SCHEMA_RULES.join(', ')})`);
    if (v === undefined) continue;
    switch (rule) {
      case 'type':
        if (!SCHEMA_TYPES.includes(v)) throw fail(m, `${at}.type must be one of ${SCHEMA_TYPES.join(', ')}, got ${describe(v)}`);
        break;
      case 'required':
        bool(m, `${at}.required`, v);
        break;
      case 'min': case 'max': case 'minLength': case 'maxLength':
        if (typeof v !== 'number' || Number.isNaN(v)) throw fail(m, `${at}.${rule} must be a number, got ${describe(v)}`);
        break;
      case 'pattern':
        out.pattern = patternSource(m, v, `${at}.pattern`);
        continue;
      case 'enum':
        if (!Array.isArray(v) || v.length === 0) throw fail(m, `${at}.enum must be a non-empty array, got ${describe(v)}`);
        break;
      case 'fields':
        out.fields = schemaFields(m, v, `${at}.fields`);
        continue;
    }
    out[rule] = v;
  }
  return out;
}

function patternSource(m, v, at) {
  if (typeof v === 'string') return v;
  if (!(v instanceof RegExp)) throw fail(m, `${at} must be a RegExp or a string, got ${describe(v)}`);
  const unsupported = v.flags.replace(/[imsgyu]/g, '');
  if (unsupported) throw fail(m, `${at}: the flag '${unsupported}' cannot be stored with a schema`);
  const inline = v.flags.replace(/[gyu]/g, ''); // g, y and u do not change what a test matches
  return inline ? `(?${inline})${v.source}` : v.source;
}

/** The operations enableAuditLog turns on, and the log's bound. */
export function auditArgs(ops, opts) {
  const m = 'enableAuditLog';
  if (!Array.isArray(ops) || ops.length === 0) throw fail(m, `operations must be a non-empty array of names (${AUDITED.join(', ')}), got ${describe(ops)}`);
  for (const op of ops) {
    if (!AUDITED.includes(op)) throw fail(m, `unknown operation ${describe(op)} (expected ${AUDITED.join(', ')})`);
  }
  const o = options(m, opts, ['maxEntries']);
  if (o.maxEntries !== undefined && !(Number.isInteger(o.maxEntries) && o.maxEntries > 0)) {
    throw fail(m, `options.maxEntries must be a positive integer, got ${describe(o.maxEntries)}`);
  }
  return [ops, o.maxEntries ?? 0];
}

/** The bytes of a backup given to importData. */
export async function backupBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof Blob !== 'undefined' && data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  throw fail('importData', `expected the bytes of a backup (Uint8Array, ArrayBuffer or Blob), got ${describe(data)}`);
}

/** The options of LuaWASM.init, checked. */
export function initOptions(o) {
  const m = 'LuaWASM.init';
  if (o === undefined || o === null) return {};
  plainObject(m, 'options', o);
  const known = ['wasm', 'stdout', 'stderr', 'memorySize', 'autoRestore', 'compression', 'validation', 'dbName', 'maxInstructions', 'store', 'persistence', 'sandbox'];
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw fail(m, `unknown option '${k}' (expected ${known.join(', ')})`);
  }
  for (const k of ['autoRestore', 'compression', 'validation', 'sandbox']) bool(m, `options.${k}`, o[k]);
  for (const k of ['memorySize', 'maxInstructions']) {
    if (o[k] !== undefined && !(Number.isSafeInteger(o[k]) && o[k] >= 0)) throw fail(m, `options.${k} must be a non-negative integer, got ${describe(o[k])}`);
  }
  if (o.dbName !== undefined) name(m, 'options.dbName', o.dbName);
  if (o.persistence !== undefined && !['indexeddb', 'memory', 'none'].includes(o.persistence)) {
    throw fail(m, `options.persistence must be 'indexeddb', 'memory' or 'none', got ${describe(o.persistence)}`);
  }
  if (o.store !== undefined && !(o.store && typeof o.store.load === 'function' && typeof o.store.commit === 'function')) {
    throw fail(m, 'options.store must have load() and commit(ops) (see FileStore and MemoryStore)');
  }
  for (const k of ['stdout', 'stderr']) {
    if (o[k] !== undefined && typeof o[k] !== 'function') throw fail(m, `options.${k} must be a function, got ${describe(o[k])}`);
  }
  return o;
}
