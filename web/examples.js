// The playground's examples: the seed README's, as written there (the
// JavaScript ones run with `lua` bound to the playground's instance), plus
// a few Lua programs. Where the README's code is not valid Lua 5.4, the
// example says so and shows the corrected code next to the original.

export const examples = [
  {
    id: 'hello',
    title: 'Hello, Lua',
    lang: 'lua',
    code: `-- Ctrl+Enter runs the editor's code.
local greeting = "Hello from Lua " .. _VERSION:match("%d+%.%d+")
print(greeting)

local squares = {}
for i = 1, 10 do squares[i] = i * i end
print(table.concat(squares, " "))

return { greeting = greeting, sum = 2 + 2 }
`,
  },
  {
    id: 'quick-start',
    title: 'Quick Start',
    lang: 'js',
    code: `// The README's Quick Start. Run it, reload the page, then run
//   return Memory.fibonacci(10)
// as Lua: the function is still there.
const result = lua.eval('return 2 + 2');
console.log('Result:', result); // 4

// Persist functions across sessions
await lua.persistFunction('Memory', 'fibonacci', \`
    function(n)
        if n <= 1 then return n end
        return fibonacci(n - 1) + fibonacci(n - 2)
    end
\`);

// Use persisted function after page reload
const fibResult = lua.eval('return Memory.fibonacci(10)');
console.log('Fibonacci(10):', fibResult); // 55
`,
  },
  {
    id: 'npm-usage',
    title: 'Basic usage and batches',
    lang: 'js',
    code: `// Basic usage
const result = lua.eval('return "Hello from enhanced Lua!"');
console.log(result); // "Hello from enhanced Lua!"

// Advanced batch operations
const operations = [
    { type: 'set', table: 'users', key: 'user1', value: { name: 'Alice', age: 30 } },
    { type: 'set', table: 'users', key: 'user2', value: { name: 'Bob', age: 25 } }
];

const results = await lua.batchTableOperations(operations);
console.log('Batch results:', results);
`,
  },
  {
    id: 'function-persistence',
    title: 'Function persistence',
    lang: 'js',
    code: `// The README's taxCalculator uses a default parameter,
//     function(income, deductions = 0)
// which Lua 5.4 does not have: persisting it fails with
//     [string "..."]:2: ')' expected near '='
// Here is the corrected code (default with 'or'), with the
// calculateTax helper the README leaves out.
await lua.persistFunction('Memory', 'calculateTax', \`
    function(taxable, brackets, rates)
        local tax, lower = 0, 0
        for i, upper in ipairs(brackets) do
            if taxable <= lower then break end
            tax = tax + (math.min(taxable, upper) - lower) * rates[i]
            lower = upper
        end
        if taxable > lower then tax = tax + (taxable - lower) * rates[#rates] end
        return tax
    end
\`);

await lua.persistFunction('Memory', 'taxCalculator', \`
    function(income, deductions)
        deductions = deductions or 0
        local taxable = income - deductions
        local brackets = {10000, 50000, 100000}
        local rates = {0.1, 0.2, 0.3, 0.4}
        return Memory.calculateTax(taxable, brackets, rates)
    end
\`);

// Function with closures and upvalues
await lua.persistFunction('Memory', 'counterFactory', \`
    function(initialValue)
        local count = initialValue or 0
        return function()
            count = count + 1
            return count
        end
    end
\`);

// Use after page reload
const result = lua.eval(\`
    local calc = Memory.taxCalculator
    local counter = Memory.counterFactory(100)
    return {
        tax = calc(75000, 5000),
        count1 = counter(),
        count2 = counter()
    }
\`);
console.log(result);
`,
  },
  {
    id: 'batch',
    title: 'Batch: 1,000 users',
    lang: 'js',
    code: `// High-performance bulk operations
const users = Array.from({length: 1000}, (_, i) => ({
    id: i,
    name: \`User \${i}\`,
    email: \`user\${i}@example.com\`,
    score: Math.floor(Math.random() * 1000),
    created: new Date().toISOString()
}));

// Batch insert 1000 users
const operations = users.map(user => ({
    type: 'set',
    table: 'appUsers',
    key: \`user_\${user.id}\`,
    value: user
}));

console.time('Batch Insert');
const results = await lua.batchTableOperations(operations);
console.timeEnd('Batch Insert');

// Batch update scores
const updateOps = users.slice(0, 100).map(user => ({
    type: 'set',
    table: 'appUsers',
    key: \`user_\${user.id}\`,
    value: { ...user, score: user.score + 100 }
}));

await lua.batchTableOperations(updateOps);
console.log('users stored:', lua.eval('local n = 0 for _ in pairs(Memory.appUsers) do n = n + 1 end return n'));
`,
  },
  {
    id: 'queries',
    title: 'Indexed and range queries',
    lang: 'js',
    code: `// Run "Batch: 1,000 users" first.
// Create index for efficient querying
await lua.createIndex('Memory', 'appUsers.score', 'btree');

// Complex queries with indexing
const highScorers = await lua.queryTable('Memory', {
    table: 'appUsers',
    field: 'score',
    operator: '>=',
    value: 800,
    limit: 10,
    sort: 'desc'
});

console.log('Top 10 high scorers:', highScorers);

// Range queries
const midRangeUsers = await lua.queryTable('Memory', {
    table: 'appUsers',
    field: 'score',
    operator: 'between',
    value: [400, 600],
    limit: 20
});
console.log('Between 400 and 600:', midRangeUsers.length);

// String queries
const recentUsers = await lua.queryTable('Memory', {
    table: 'appUsers',
    field: 'created',
    operator: 'startsWith',
    value: new Date().toISOString().slice(0, 7),
    limit: 50
});
console.log('Created this month:', recentUsers.length);
`,
  },
  {
    id: 'analytics',
    title: 'Data analysis',
    lang: 'js',
    code: `// Store analytical functions
await lua.persistFunction('Memory', 'analytics', \`
    {
        average = function(values)
            local sum = 0
            for _, v in ipairs(values) do sum = sum + v end
            return sum / #values
        end,

        median = function(values)
            table.sort(values)
            local n = #values
            if n % 2 == 0 then
                return (values[n/2] + values[n/2 + 1]) / 2
            else
                return values[(n + 1) / 2]
            end
        end,

        correlation = function(x, y)
            -- Statistical correlation calculation
            local n = #x
            local sum_x, sum_y, sum_xy, sum_x2, sum_y2 = 0, 0, 0, 0, 0

            for i = 1, n do
                sum_x = sum_x + x[i]
                sum_y = sum_y + y[i]
                sum_xy = sum_xy + x[i] * y[i]
                sum_x2 = sum_x2 + x[i]^2
                sum_y2 = sum_y2 + y[i]^2
            end

            local numerator = n * sum_xy - sum_x * sum_y
            local denominator = math.sqrt((n * sum_x2 - sum_x^2) * (n * sum_y2 - sum_y^2))

            return denominator == 0 and 0 or numerator / denominator
        end
    }
\`);

// The README calls unpack, which Lua 5.4 names table.unpack:
//     attempt to call a nil value (global 'unpack')
const analysis = lua.eval(\`
    local scores = {}
    for i = 1, 100 do
        scores[i] = math.random(100, 1000)
    end

    return {
        average = Memory.analytics.average(scores),
        median = Memory.analytics.median(scores),
        min = math.min(table.unpack(scores)),
        max = math.max(table.unpack(scores))
    }
\`);

console.log('Score analysis:', analysis);
`,
  },
  {
    id: 'js-interop',
    title: 'JS and Lua functions',
    lang: 'js',
    code: `// JS functions callable from Lua, Lua functions callable from JS.
lua.register('now', () => new Date().toISOString());
lua.global.set('shout', (s) => s.toUpperCase() + '!');

console.log(lua.eval('return shout("hello at " .. now())'));

const fib = lua.eval(\`
    local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
    return fib
\`);
console.log('fib(20) =', fib(20));

try {
    lua.eval('error({ code = 42 })');
} catch (e) {
    console.log(e.name, e.message, e.value);
}
`,
  },
  {
    id: 'coroutines',
    title: 'Coroutines',
    lang: 'lua',
    code: `local function range(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end

local out = {}
for i in range(5) do out[#out + 1] = i * i end
print(table.concat(out, ", "))

local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  return c * 2
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.status(co))
`,
  },
];
