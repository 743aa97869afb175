#!/usr/bin/env node
// Cross-checks a PeerWatt demo / audit export with the BSV Association's TypeScript SDK (@bsv/sdk)
// only: none of PeerWatt's code is used. Usage: node crosscheck.mjs DIR
//
// DIR holds what `peerwatt demo --export DIR` writes (`peerwatt chain export` writes the first two):
//   transactions.json  {"transactions":[{"txid","rawTx","inputs":[{"satoshis","lockingScript"}]}]}
//   transactions.beef  BEEF (BRC-62 V1 or BRC-96 V2) of those transactions and their parents, with BUMPs
//   headers.json       {"network","headers":[{"height","header"}]} consecutive 80-byte block headers
//   proofs/*.json      proof bundles (protocol/PROOF-BUNDLE.md, JSON form)
// Prints one line per check ("ok" or "FAIL", naming it) and a closing "N passed, N failed" line;
// exits 1 when any check failed, 2 when DIR cannot be read.
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  Transaction, MerklePath, Beef, BEEF_V1, BEEF_V2, Spend, LockingScript, Script, OP,
  TransactionSignature, Hash, Utils
} from '@bsv/sdk'

// The script verification flags of a BSV node's standard (policy) checks for an output created after
// Genesis: mandatory (STRICTENC, SIGHASH_FORKID, LOW_S, NULLFAIL) plus DERSIG, MINIMALDATA, NULLDUMMY,
// SIGPUSHONLY, CLEANSTACK, DISCOURAGE_UPGRADABLE_NOPS; no P2SH, CLTV or CSV (NOPs after Genesis).
const POST_GENESIS_POLICY = [
  'UTXO_AFTER_GENESIS', 'GENESIS', 'STRICTENC', 'SIGHASH_FORKID', 'LOW_S', 'NULLFAIL', 'DERSIG',
  'MINIMALDATA', 'NULLDUMMY', 'SIGPUSHONLY', 'CLEANSTACK', 'DISCOURAGE_UPGRADABLE_NOPS'
]

let passed = 0
let failed = 0
const failures = []

function ok (name, detail = '') {
  passed++
  console.log(`ok   ${name}${detail ? ': ' + detail : ''}`)
}
function fail (name, detail) {
  failed++
  failures.push(name)
  // the SDK's script errors span several lines (stack dumps): keep one line per check
  console.log(`FAIL ${name}: ${String(detail).trim().split(/\s*\n\s*/).join(' | ')}`)
}
function info (text) {
  console.log(`     ${text}`)
}
/** Runs fn as one named check: a thrown error or a returned string (the reason) fails it. */
function check (name, fn) {
  try {
    const r = fn()
    if (typeof r === 'string') fail(name, r)
    else ok(name, r?.detail ?? '')
    return typeof r !== 'string'
  } catch (e) {
    fail(name, e?.message ?? String(e))
    return false
  }
}
async function checkAsync (name, fn) {
  try {
    const r = await fn()
    if (typeof r === 'string') fail(name, r)
    else ok(name, r?.detail ?? '')
    return typeof r !== 'string'
  } catch (e) {
    fail(name, e?.message ?? String(e))
    return false
  }
}

const hex = (bytes) => Utils.toHex(Array.from(bytes))
const bytesOf = (h) => {
  if (typeof h !== 'string' || !/^([0-9a-f]{2})*$/i.test(h)) throw new Error('not hex')
  return Uint8Array.from(Utils.toArray(h, 'hex'))
}
const short = (id) => `${id.slice(0, 8)}..${id.slice(-4)}`

/**
 * Parses a raw transaction with the SDK, requiring every byte to be consumed and the SDK's own
 * re-serialization of the parsed fields to give back the same bytes.
 */
function parseTx (raw) {
  const reader = new Utils.ReaderUint8Array(raw)
  const tx = Transaction.fromReader(reader)
  if (reader.pos !== raw.length) {
    throw new Error(`transaction has ${raw.length - reader.pos} bytes ${reader.pos > raw.length ? 'missing' : 'left over'}`)
  }
  const again = new Transaction(tx.version, tx.inputs, tx.outputs, tx.lockTime).toBinary()
  if (hex(again) !== hex(raw)) throw new Error('the SDK re-serializes it differently')
  return tx
}

/** An 80-byte block header, parsed and hashed with the SDK's hash (double SHA-256). */
function parseHeader (h) {
  const raw = bytesOf(h)
  if (raw.length !== 80) throw new Error(`a header is 80 bytes, got ${raw.length}`)
  const r = new Utils.Reader(Array.from(raw))
  const version = r.readUInt32LE()
  const prevHash = hex(r.readReverse(32))
  const merkleRoot = hex(r.readReverse(32))
  const time = r.readUInt32LE()
  const bits = r.readUInt32LE()
  const nonce = r.readUInt32LE()
  const hash = hex(Hash.hash256(Array.from(raw)).reverse())
  return { raw: h.toLowerCase(), version, prevHash, merkleRoot, time, bits, nonce, hash }
}

/** The target of compact `bits` as the node decodes it; null when negative, overflowing or zero. */
function targetOf (bits) {
  const exponent = bits >>> 24
  const mantissa = bits & 0x007fffff
  if (mantissa !== 0 && (bits & 0x00800000) !== 0) return null // negative
  if (mantissa !== 0 && (exponent > 34 || (mantissa > 0xff && exponent > 33) || (mantissa > 0xffff && exponent > 32))) return null
  const target = exponent <= 3
    ? BigInt(mantissa >>> (8 * (3 - exponent)))
    : BigInt(mantissa) << BigInt(8 * (exponent - 3))
  return target === 0n ? null : target
}

function checkPow (header) {
  const target = targetOf(header.bits)
  if (target === null) return `bits ${header.bits.toString(16)} decode to no valid target`
  if (BigInt('0x' + header.hash) > target) return `hash ${header.hash} is above the target of bits ${header.bits.toString(16).padStart(8, '0')}`
  return null
}

function readJson (file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

// ------------------------------------------------------------------------------------------------

async function main () {
  const dir = process.argv[2]
  if (!dir || !existsSync(dir)) {
    console.error('usage: node crosscheck.mjs DIR   (DIR: what `peerwatt demo --export DIR` wrote)')
    process.exit(2)
  }
  console.log(`@bsv/sdk cross-check of ${dir}`)

  // ---- headers.json ----------------------------------------------------------------------------
  const headersByHeight = new Map()
  const headersFile = join(dir, 'headers.json')
  if (existsSync(headersFile)) {
    check('headers.json: every header parses, meets its bits target and follows the one before', () => {
      const doc = readJson(headersFile)
      if (!Array.isArray(doc.headers) || doc.headers.length === 0) return 'no headers'
      let prev = null
      for (const entry of doc.headers) {
        const h = parseHeader(entry.header)
        if (!Number.isInteger(entry.height)) return 'a header has no height'
        if (entry.hash !== undefined && entry.hash !== h.hash) return `height ${entry.height}: hash ${entry.hash} is not the header's ${h.hash}`
        const pow = checkPow(h)
        if (pow) return `height ${entry.height}: ${pow}`
        if (prev !== null) {
          if (entry.height !== prev.height + 1) return `height ${entry.height} follows height ${prev.height}`
          if (h.prevHash !== prev.hash) return `height ${entry.height} does not link to height ${prev.height}`
        }
        headersByHeight.set(entry.height, h)
        prev = { height: entry.height, hash: h.hash }
      }
      const heights = [...headersByHeight.keys()]
      return { detail: `${heights.length} headers, heights ${heights[0]}..${heights[heights.length - 1]} (${doc.network ?? 'network not named'})` }
    })
  } else {
    fail('headers.json', 'missing (for a `peerwatt chain export`, save GET /api/v1/chain/headers?from=H&count=N there, covering the BUMP heights)')
  }
  const tipHeight = Math.max(-1, ...headersByHeight.keys())
  const chainTracker = {
    isValidRootForHeight: async (root, height) => headersByHeight.get(height)?.merkleRoot === root,
    currentHeight: async () => tipHeight
  }

  // ---- transactions.json -----------------------------------------------------------------------
  const jsonTxs = new Map() // txid -> { raw, tx, inputs }
  const txFile = join(dir, 'transactions.json')
  let entries = []
  if (!check('transactions.json parses', () => {
    const doc = readJson(txFile)
    if (!Array.isArray(doc.transactions)) return 'no "transactions" array'
    entries = doc.transactions
    return { detail: `${entries.length} transactions` }
  })) entries = []

  for (const [n, e] of entries.entries()) {
    const label = `transactions.json[${n}] ${e.txid ? short(e.txid) : '(no txid)'}`
    let tx
    let raw
    if (!check(`${label}: parses, re-serializes identically, txid matches`, () => {
      raw = bytesOf(e.rawTx)
      tx = parseTx(raw)
      const id = tx.id('hex')
      if (id !== e.txid) return `txid is ${id}, the export says ${e.txid}`
      if (jsonTxs.has(id)) return 'listed twice'
      if (!Array.isArray(e.inputs) || e.inputs.length !== tx.inputs.length) {
        return `${tx.inputs.length} inputs but ${e.inputs?.length} spent outputs given`
      }
      return { detail: `version ${tx.version}, ${tx.inputs.length} in, ${tx.outputs.length} out, lockTime ${tx.lockTime}, ${raw.length} bytes` }
    })) continue
    jsonTxs.set(e.txid, { raw, tx, inputs: e.inputs })

    for (const [i, input] of tx.inputs.entries()) {
      const spent = e.inputs[i]
      check(`${label} input ${i}: unlocking script valid for the spent output (Spend, post-Genesis policy flags)`, () => {
        if (!Number.isSafeInteger(spent.satoshis) || spent.satoshis < 0) return `bad satoshis ${spent.satoshis}`
        const spend = new Spend({ ...spendParams(tx, i, spent), verifyFlags: POST_GENESIS_POLICY })
        if (!spend.validate()) return 'Spend.validate() returned false'
        // The SDK's own default rules (those Transaction.verify applies) must agree.
        const plain = new Spend({ ...spendParams(tx, i, spent) })
        if (!plain.validate()) return 'Spend.validate() with the SDK default rules returned false'
        return { detail: `${spent.satoshis} sat, ${describeSighash(input.unlockingScript)}` }
      })
    }
    check(`${label}: outputs do not exceed inputs`, () => {
      const inSum = e.inputs.reduce((s, x) => s + x.satoshis, 0)
      const outSum = tx.outputs.reduce((s, o) => s + o.satoshis, 0)
      if (outSum > inSum) return `outputs ${outSum} sat > inputs ${inSum} sat`
      for (const [k, o] of tx.outputs.entries()) {
        if (o.satoshis === 0 && !isDataOutput(o.lockingScript)) return `output ${k} has 0 sat and is not OP_FALSE OP_RETURN`
      }
      const fee = inSum - outSum
      return { detail: `fee ${fee} sat (${(fee * 1000 / raw.length).toFixed(1)} sat/kB)` }
    })
  }

  // ---- transactions.beef -----------------------------------------------------------------------
  const beefFile = join(dir, 'transactions.beef')
  let beef = null
  check('transactions.beef parses as BEEF, every byte read, the SDK re-serializes it identically', () => {
    const raw = readFileSync(beefFile)
    const reader = new Utils.ReaderUint8Array(Uint8Array.from(raw))
    beef = Beef.fromReader(reader)
    if (reader.pos !== raw.length) return `${raw.length - reader.pos} bytes ${reader.pos > raw.length ? 'missing' : 'left over'}`
    const version = beef.version === BEEF_V1 ? 'V1 (BRC-62)' : beef.version === BEEF_V2 ? 'V2 (BRC-96)' : `unknown ${beef.version}`
    if (hex(beef.toBinary()) !== hex(raw)) return `parsed as ${version}, but the SDK re-serializes it differently`
    return { detail: `${version}, ${beef.bumps.length} BUMPs, ${beef.txs.length} transactions` }
  })

  if (beef !== null) {
    for (const [b, bump] of beef.bumps.entries()) {
      check(`transactions.beef BUMP ${b}: strict BRC-74 parse, its txids compute the Merkle root of the header at height ${bump.blockHeight}`, () => {
        MerklePath.fromBinary(bump.toBinary()) // legal offsets only (BEEF's reader is lenient)
        const header = headersByHeight.get(bump.blockHeight)
        if (!header) return `headers.json has no height ${bump.blockHeight}`
        const txids = bump.path[0].filter(l => l.txid === true)
        if (txids.length === 0) return 'no leaf is flagged as a txid (flag 0x02)'
        for (const leaf of txids) {
          const root = bump.computeRoot(leaf.hash)
          if (root !== header.merkleRoot) return `txid ${leaf.hash} computes root ${root}, the header has ${header.merkleRoot}`
        }
        return { detail: `${txids.length} txids, root ${short(header.merkleRoot)}` }
      })
    }
    check('transactions.beef: structurally valid (Beef.verifyValid: parents first, every transaction proven or spending ones in it)', () => {
      const r = beef.verifyValid(false)
      if (!r.valid) {
        const s = beef.clone().sortTxs()
        return `not valid: missingInputs ${s.missingInputs.length} [${s.missingInputs.map(short)}], ` +
          `notValid ${s.notValid.length} [${s.notValid.map(short)}], txidOnly ${s.txidOnly.length}, ` +
          `withMissingInputs ${s.withMissingInputs.length} [${s.withMissingInputs.map(short)}]`
      }
      return { detail: `roots at heights ${Object.keys(r.roots).join(', ')}` }
    })
    await checkAsync('transactions.beef: Beef.verify against the Merkle roots of headers.json', async () => {
      if (!(await beef.verify(chainTracker, false))) return 'Beef.verify returned false'
    })
    const inBeef = new Map(beef.txs.map(t => [t.txid, t]))
    check('transactions.beef holds every transaction of transactions.json, byte for byte', () => {
      for (const [txid, j] of jsonTxs) {
        const t = inBeef.get(txid)
        if (!t) return `${txid} is not in the BEEF`
        if (t.isTxidOnly) return `${txid} is only a txid in the BEEF`
        if (hex(t.rawTx) !== hex(j.raw)) return `${txid} differs`
      }
      const others = beef.txs.filter(t => !jsonTxs.has(t.txid))
      return { detail: `${jsonTxs.size} of ${beef.txs.length}; ${others.length} more (parents: the payments to the platform)` }
    })
    check('transactions.json spent outputs agree with the parents in the BEEF', () => {
      let compared = 0
      for (const [txid, j] of jsonTxs) {
        for (const [i, input] of j.tx.inputs.entries()) {
          const parent = inBeef.get(input.sourceTXID)?.tx
          if (!parent) continue
          const out = parent.outputs[input.sourceOutputIndex]
          if (!out) return `${short(txid)} input ${i} spends output ${input.sourceOutputIndex} that ${short(input.sourceTXID)} lacks`
          if (out.satoshis !== j.inputs[i].satoshis || out.lockingScript.toHex() !== j.inputs[i].lockingScript.toLowerCase()) {
            return `${short(txid)} input ${i}: transactions.json says ${j.inputs[i].satoshis} sat ${j.inputs[i].lockingScript}, the parent has ${out.satoshis} sat ${out.lockingScript.toHex()}`
          }
          compared++
        }
      }
      return { detail: `${compared} inputs compared` }
    })
    for (const t of beef.txs) {
      if (t.isTxidOnly) continue
      await checkAsync(`transactions.beef ${short(t.txid)}: SPV (Transaction.verify: scripts back to BUMP-proven ancestors, BUMPs against headers.json)`, async () => {
        const tx = beef.findAtomicTransaction(t.txid)
        if (!tx) return 'not found'
        if (!(await tx.verify(chainTracker))) return 'Transaction.verify returned false'
        return { detail: t.bumpIndex !== undefined ? `mined (BUMP ${t.bumpIndex})` : 'unmined, inputs verified' }
      })
    }
  }

  // ---- proofs/*.json ---------------------------------------------------------------------------
  const proofDir = join(dir, 'proofs')
  const bundles = existsSync(proofDir) ? readdirSync(proofDir).filter(f => f.endsWith('.json')).sort() : []
  if (bundles.length === 0) info('no proof bundles in proofs/')
  for (const file of bundles) {
    const label = `proofs/${file}`
    let bundle, anchorTx, txid, bump, headers
    if (!check(`${label}: anchor transaction parses and re-serializes identically`, () => {
      bundle = readJson(join(proofDir, file))
      if (bundle.format !== 'peerwatt-proof-bundle') return `format is ${bundle.format}`
      anchorTx = parseTx(bytesOf(bundle.anchorTx))
      txid = anchorTx.id('hex')
      return { detail: `txid ${txid}` }
    })) continue
    check(`${label}: anchor output commits to the bundle's leaf (OP_FALSE OP_RETURN "peerwatt-anchor", RFC 6962 path)`, () => anchorCommits(bundle, anchorTx))
    check(`${label}: anchor transaction is the one in transactions.json`, () => {
      const j = jsonTxs.get(txid)
      if (!j) return `${txid} is not in transactions.json`
      if (hex(j.raw) !== bundle.anchorTx.toLowerCase()) return 'bytes differ'
    })
    if (!check(`${label}: BUMP parses (MerklePath.fromBinary), holds the anchor txid flagged 0x02`, () => {
      const raw = bytesOf(bundle.bump)
      const reader = new Utils.ReaderUint8Array(raw)
      bump = MerklePath.fromReader(reader, true)
      if (reader.pos !== raw.length) return `${raw.length - reader.pos} bytes ${reader.pos > raw.length ? 'missing' : 'left over'}`
      if (hex(bump.toBinary()) !== hex(raw)) return 'the SDK re-serializes it differently'
      const leaf = bump.path[0].find(l => l.hash === txid)
      if (!leaf) return `txid ${txid} is not at level 0`
      if (leaf.txid !== true) return `the leaf of ${txid} is not flagged as a txid (0x02)`
      return { detail: `height ${bump.blockHeight}, offset ${leaf.offset}, ${bump.path.length} levels` }
    })) continue
    if (!check(`${label}: headers parse, meet their bits targets and chain to each other`, () => {
      if (!Array.isArray(bundle.headers) || bundle.headers.length === 0) return 'no headers'
      headers = bundle.headers.map(parseHeader)
      for (const [k, h] of headers.entries()) {
        const pow = checkPow(h)
        if (pow) return `header ${k}: ${pow}`
        if (k > 0 && h.prevHash !== headers[k - 1].hash) return `header ${k} does not follow header ${k - 1}`
      }
      return { detail: `${headers.length} headers, first ${short(headers[0].hash)}` }
    })) continue
    check(`${label}: BUMP computes the first header's Merkle root`, () => {
      const root = bump.computeRoot(txid)
      if (root !== headers[0].merkleRoot) return `computes ${root}, the header has ${headers[0].merkleRoot}`
      return { detail: root }
    })
    await checkAsync(`${label}: MerklePath.verify against headers.json`, async () => {
      if (!(await bump.verify(txid, chainTracker))) return 'MerklePath.verify returned false'
    })
    check(`${label}: headers are headers.json's at the BUMP's height and after`, () => {
      for (const [k, h] of headers.entries()) {
        const known = headersByHeight.get(bump.blockHeight + k)
        if (!known) return `headers.json has no height ${bump.blockHeight + k}`
        if (known.hash !== h.hash) return `header ${k} is ${h.hash}, headers.json has ${known.hash} at height ${bump.blockHeight + k}`
      }
      return { detail: `heights ${bump.blockHeight}..${bump.blockHeight + headers.length - 1}, ${tipHeight - bump.blockHeight + 1} confirmations` }
    })
  }

  console.log(`${passed} passed, ${failed} failed`)
  if (failed > 0) {
    console.log(`failed: ${failures.join('; ')}`)
    process.exit(1)
  }
}

function spendParams (tx, i, spent) {
  const input = tx.inputs[i]
  return {
    sourceTXID: input.sourceTXID,
    sourceOutputIndex: input.sourceOutputIndex,
    sourceSatoshis: spent.satoshis,
    lockingScript: LockingScript.fromHex(spent.lockingScript),
    transactionVersion: tx.version,
    otherInputs: tx.inputs.filter((_, k) => k !== i),
    outputs: tx.outputs,
    inputIndex: i,
    unlockingScript: input.unlockingScript,
    inputSequence: input.sequence,
    lockTime: tx.lockTime
  }
}

/** The sighash types of the signatures pushed by an unlocking script, for the report. */
function describeSighash (unlocking) {
  const names = []
  for (const chunk of unlocking.chunks) {
    const d = chunk.data
    if (!Array.isArray(d) || d.length < 9 || d[0] !== 0x30) continue
    const t = d[d.length - 1]
    const base = ({ 1: 'ALL', 2: 'NONE', 3: 'SINGLE' })[t & 0x1f] ?? `0x${(t & 0x1f).toString(16)}`
    names.push(`${base}${t & TransactionSignature.SIGHASH_ANYONECANPAY ? '|ANYONECANPAY' : ''}${t & TransactionSignature.SIGHASH_FORKID ? '|FORKID' : ''}`)
  }
  return names.length ? `sighash ${names.join(', ')}` : 'no signature'
}

function isDataOutput (lockingScript) {
  const c = lockingScript.chunks
  return c.length >= 2 && c[0].op === OP.OP_FALSE && c[1].op === OP.OP_RETURN
}

/**
 * protocol/PROOF-BUNDLE.md sections 1 and 2, implemented here from the text: the leaf hash and
 * the RFC 6962 inclusion path give a root that an OP_FALSE OP_RETURN "peerwatt-anchor" output of
 * the anchor transaction commits to with leaf count = tree size.
 */
function anchorCommits (bundle, anchorTx) {
  const sha = (parts) => Hash.sha256(parts.flat())
  const kinds = { reading: 1, trade: 2, statement: 3, report: 4, enrolment: 5 }
  const kind = kinds[bundle.kind]
  if (!kind) return `unknown kind ${bundle.kind}`
  let node = sha([[0x00, kind], Array.from(bytesOf(bundle.salt)), Array.from(bytesOf(bundle.item))])
  let { index, treeSize, siblings } = bundle.proof
  let width = treeSize
  let used = 0
  while (width > 1) {
    if ((index ^ 1) < width) {
      if (used >= siblings.length) return 'too few siblings'
      const s = Array.from(bytesOf(siblings[used++]))
      node = (index & 1) === 0 ? sha([[0x01], node, s]) : sha([[0x01], s, node])
    }
    index >>= 1
    width = Math.ceil(width / 2)
  }
  if (used !== siblings.length) return 'too many siblings'
  const root = hex(node)
  const label = Utils.toArray('peerwatt-anchor', 'utf8')
  for (const [k, out] of anchorTx.outputs.entries()) {
    // After a top-level OP_RETURN the SDK keeps the rest of the script unparsed, as the data of the
    // OP_RETURN chunk (post-Genesis, OP_RETURN ends execution): those bytes are the pushes.
    const c = out.lockingScript.chunks
    if (c.length !== 2 || c[0].op !== OP.OP_FALSE || c[1].op !== OP.OP_RETURN) continue
    const pushes = Script.fromBinary(c[1].data ?? []).chunks
    if (pushes.length !== 2 || hex(pushes[0].data ?? []) !== hex(label)) continue
    const body = pushes[1].data ?? []
    if (body.length !== 53 || body[0] !== 1) return `output ${k}: body of ${body.length} bytes, version ${body[0]}`
    const leafCount = Number(BigInt('0x' + hex(body.slice(13, 21))))
    const committed = hex(body.slice(21, 53))
    if (committed !== root) return `output ${k} commits to root ${committed}, the path gives ${root}`
    if (leafCount !== bundle.proof.treeSize) return `output ${k} has leaf count ${leafCount}, the proof tree size ${bundle.proof.treeSize}`
    if (out.satoshis !== 0) return `output ${k} carries ${out.satoshis} sat`
    return { detail: `output ${k}, root ${short(root)}, ${leafCount} leaves` }
  }
  return 'no PeerWatt anchor output'
}

main().catch((e) => {
  console.log(`FAIL crosscheck: ${e?.stack ?? e}`)
  process.exit(1)
})
