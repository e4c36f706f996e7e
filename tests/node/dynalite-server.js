#!/usr/bin/env node
// Starts dynalite (in memory) on 127.0.0.1 and an OS-chosen free port, then prints one line
// "DYNALITE_PORT=<port>" so the test that started it knows where to connect. dynalite's own
// cli.js treats --port 0 as "use 4567", which would collide between parallel tests.
// Usage: node dynalite-server.js [--createTableMs N] [--watch-stdin 1]
// With --watch-stdin 1 it also exits when its stdin closes (the parent died without stopping it).
'use strict'
const path = require('path')
const dynalite = require(path.join(__dirname, 'node_modules', 'dynalite'))

const args = process.argv.slice(2)
const opts = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }
let watchStdin = false
for (let i = 0; i + 1 < args.length; i += 2) {
  const key = args[i].replace(/^--/, '')
  if (key === 'watch-stdin') watchStdin = args[i + 1] === '1'
  else if (key in opts) opts[key] = Number(args[i + 1])
  else throw new Error(`unknown option ${args[i]}`)
}

const server = dynalite(opts)
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`DYNALITE_PORT=${server.address().port}\n`)
})
// The parent stops us with SIGTERM.
const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
if (watchStdin) {
  process.stdin.on('end', stop)
  process.stdin.resume()
}
