// PeerWatt proof bundle verifier for the browser (protocol/PROOF-BUNDLE.md, version 1).
// Runs entirely in the page: SHA-256 from WebCrypto, secp256k1 ECDSA on BigInt. It trusts only the
// platform key typed or shown on the page, and reports every step the way `peerwatt verify` does.
'use strict';
var PeerWattProof = (function () {
  // ---- bytes
  function hex(b) { return Array.from(b, function (x) { return x.toString(16).padStart(2, '0'); }).join(''); }
  function unhex(s) {
    if (typeof s !== 'string' || s.length % 2 !== 0 || /[^0-9a-fA-F]/.test(s)) throw new Error('not hex');
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  }
  function concat() {
    var n = 0, i; for (i = 0; i < arguments.length; i++) n += arguments[i].length;
    var out = new Uint8Array(n), o = 0;
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], o); o += arguments[i].length; }
    return out;
  }
  function equal(a, b) { if (a.length !== b.length) return false; for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; return true; }
  function reversed(b) { return Uint8Array.from(b).reverse(); }
  function big(b) { return b.length ? BigInt('0x' + hex(b)) : 0n; }
  function u64be(b, o) { return Number(big(b.subarray(o, o + 8))); }
  async function sha256(b) { return new Uint8Array(await crypto.subtle.digest('SHA-256', b)); }
  async function sha256d(b) { return sha256(await sha256(b)); }

  function Reader(b) { this.b = b; this.p = 0; }
  Reader.prototype.need = function (n) { if (this.p + n > this.b.length) throw new Error('truncated'); };
  Reader.prototype.u8 = function () { this.need(1); return this.b[this.p++]; };
  Reader.prototype.bytes = function (n) { this.need(n); var r = this.b.subarray(this.p, this.p + n); this.p += n; return r; };
  Reader.prototype.le = function (n) { var v = 0; var r = this.bytes(n); for (var i = n - 1; i >= 0; i--) v = v * 256 + r[i]; return v; };
  Reader.prototype.varint = function () {
    var f = this.u8();
    if (f < 0xfd) return f;
    return this.le(f === 0xfd ? 2 : f === 0xfe ? 4 : 8);
  };

  // ---- secp256k1
  var P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
  var N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  var G = [0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
           0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n];
  function mod(a, m) { var r = a % m; return r < 0n ? r + m : r; }
  function pow(b, e, m) { var r = 1n; b = mod(b, m); while (e > 0n) { if (e & 1n) r = r * b % m; b = b * b % m; e >>= 1n; } return r; }
  function inv(a, m) { return pow(a, m - 2n, m); }
  // Jacobian coordinates keep the scalar multiplication to one inversion at the end.
  function jdouble(p) {
    if (p === null || p[1] === 0n) return null;
    var x = p[0], y = p[1], z = p[2];
    var s = 4n * x * y * y % P, m = 3n * x * x % P;
    var x3 = mod(m * m - 2n * s, P);
    return [x3, mod(m * (s - x3) - 8n * y * y % P * y * y, P), 2n * y * z % P];
  }
  function jadd(p, q) {
    if (p === null) return q; if (q === null) return p;
    var z1z1 = p[2] * p[2] % P, z2z2 = q[2] * q[2] % P;
    var u1 = p[0] * z2z2 % P, u2 = q[0] * z1z1 % P;
    var s1 = p[1] * q[2] % P * z2z2 % P, s2 = q[1] * p[2] % P * z1z1 % P;
    if (u1 === u2) return s1 === s2 ? jdouble(p) : null;
    var h = mod(u2 - u1, P), r = mod(s2 - s1, P), hh = h * h % P, hhh = hh * h % P, v = u1 * hh % P;
    var x3 = mod(r * r - hhh - 2n * v, P);
    return [x3, mod(r * (v - x3) - s1 * hhh, P), p[2] * q[2] % P * h % P];
  }
  function mul(k, pt) {
    var r = null, a = [pt[0], pt[1], 1n];
    while (k > 0n) { if (k & 1n) r = jadd(r, a); a = jdouble(a); k >>= 1n; }
    return r;
  }
  function affine(p) { if (p === null) return null; var zi = inv(p[2], P), zi2 = zi * zi % P; return [p[0] * zi2 % P, p[1] * zi2 % P * zi % P]; }
  function decodeKey(b) {
    if (b.length !== 33 || (b[0] !== 2 && b[0] !== 3)) throw new Error('not a compressed public key');
    var x = big(b.subarray(1)); if (x >= P) throw new Error('key x out of range');
    var y = pow((x * x * x + 7n) % P, (P + 1n) / 4n, P);
    if ((y * y - (x * x * x + 7n)) % P !== 0n) throw new Error('key is not on the curve');
    if ((y & 1n) !== BigInt(b[0] & 1)) y = P - y;
    return [x, y];
  }
  // Strict DER (BIP 66) with low S, as PeerWatt signs; anything else is refused.
  function parseDer(sig) {
    var d = sig, n = d.length;
    if (n < 8 || n > 72 || d[0] !== 0x30 || d[1] !== n - 2 || d[2] !== 0x02) throw new Error('not strict DER');
    var lr = d[3]; if (lr === 0 || 5 + lr >= n || d[4 + lr] !== 0x02) throw new Error('not strict DER');
    var ls = d[5 + lr]; if (ls === 0 || lr + ls + 6 !== n) throw new Error('not strict DER');
    if ((d[4] & 0x80) || (lr > 1 && d[4] === 0 && !(d[5] & 0x80))) throw new Error('not strict DER (r)');
    var so = 6 + lr;
    if ((d[so] & 0x80) || (ls > 1 && d[so] === 0 && !(d[so + 1] & 0x80))) throw new Error('not strict DER (s)');
    var r = big(d.subarray(4, 4 + lr)), s = big(d.subarray(so, so + ls));
    if (r === 0n || s === 0n || r >= N || s >= N) throw new Error('signature value out of range');
    if (s > N / 2n) throw new Error('high S');
    return [r, s];
  }
  function ecdsaVerify(keyBytes, hash32, der) {
    var q = decodeKey(keyBytes), rs = parseDer(der), e = big(hash32) % N, w = inv(rs[1], N);
    var pt = affine(jadd(mul(e * w % N, G), mul(rs[0] * w % N, q)));
    return pt !== null && pt[0] % N === rs[0];
  }

  // ---- formats
  function asciiField(s) {
    var b = new TextEncoder().encode(s);
    if (b.length < 1 || b.length > 64) throw new Error('certificate text field length');
    return concat(Uint8Array.of(b.length), b);
  }
  function i64(v) { var out = new Uint8Array(8), x = BigInt(v); for (var i = 7; i >= 0; i--) { out[i] = Number(x & 0xffn); x >>= 8n; } return out; }
  function certificateBytes(c) {
    return concat(new TextEncoder().encode('PWDC'), Uint8Array.of(c.version), i64(c.serial), unhex(c.deviceKey),
      i64(Date.parse(c.validFrom)), i64(Date.parse(c.validTo)), unhex(c.issuerKey),
      asciiField(String(c.meteringPointId)), asciiField(String(c.ownerAccountId)), asciiField(String(c.zoneCode)));
  }
  // The signed device certificate's binary form (READING-FORMAT.md section 5): an enrolment's item.
  function parseCertificate(b) {
    var r = new Reader(b);
    if (new TextDecoder().decode(r.bytes(4)) !== 'PWDC') throw new Error('not a device certificate (magic is not PWDC)');
    if (r.u8() !== 1) throw new Error('unsupported certificate version');
    var c = { serial: big(r.bytes(8)).toString() };
    c.deviceKey = r.bytes(33); c.validFrom = u64be(r.bytes(8), 0); c.validTo = u64be(r.bytes(8), 0); c.issuerKey = r.bytes(33);
    if ((c.deviceKey[0] !== 2 && c.deviceKey[0] !== 3) || (c.issuerKey[0] !== 2 && c.issuerKey[0] !== 3)) throw new Error('certificate keys must be compressed');
    ['meteringPointId', 'ownerAccountId', 'zoneCode'].forEach(function (name) {
      var n = r.u8();
      if (n < 1 || n > 64) throw new Error(name + ' length must be 1..64');
      var text = r.bytes(n);
      if (text.some(function (x) { return x < 0x21 || x > 0x7e; })) throw new Error(name + ' must be printable ASCII');
      c[name] = new TextDecoder().decode(text);
    });
    if (c.validTo <= c.validFrom) throw new Error('validTo must be after validFrom');
    c.encoding = b.subarray(0, r.p);
    var n = r.u8();
    if (n < 8 || n > 72) throw new Error('certificate signature length must be 8..72');
    c.signature = r.bytes(n);
    if (r.p !== b.length) throw new Error('trailing bytes after the certificate');
    return c;
  }
  var KINDS = { reading: 1, trade: 2, statement: 3, report: 4, enrolment: 5 };

  function anchorOutputs(tx) {
    var r = new Reader(tx), outs = [];
    r.bytes(4);
    var nin = r.varint();
    for (var i = 0; i < nin; i++) { r.bytes(36); r.bytes(r.varint()); r.bytes(4); }
    var nout = r.varint();
    for (var j = 0; j < nout; j++) { r.bytes(8); outs.push(r.bytes(r.varint())); }
    r.bytes(4);
    if (r.p !== tx.length) throw new Error('trailing bytes after the transaction');
    var found = [];
    outs.forEach(function (s) {
      if (s.length < 2 || s[0] !== 0x00 || s[1] !== 0x6a) return;
      var sr = new Reader(s.subarray(2)), pushes = [];
      try {
        while (sr.p < sr.b.length) {
          var op = sr.u8(), len = op <= 75 ? op : op === 76 ? sr.u8() : op === 77 ? sr.le(2) : op === 78 ? sr.le(4) : -1;
          if (len < 0) return;
          pushes.push(sr.bytes(len));
        }
      } catch (e) { return; }
      if (pushes.length === 2 && new TextDecoder().decode(pushes[0]) === 'peerwatt-anchor' && pushes[1].length === 53 && pushes[1][0] === 1) {
        found.push({ leafCount: u64be(pushes[1], 13), root: pushes[1].subarray(21, 53) });
      }
    });
    return found;
  }

  async function bumpRoot(bump, txidInternal) {
    var r = new Reader(bump), height = r.varint(), treeHeight = r.u8(), levels = [];
    for (var h = 0; h < treeHeight; h++) {
      var n = r.varint(), level = new Map();
      for (var i = 0; i < n; i++) {
        var offset = r.varint(), flags = r.u8();
        level.set(offset, { dup: (flags & 1) !== 0, txid: (flags & 3) === 2, hash: (flags & 1) ? null : r.bytes(32) });
      }
      levels.push(level);
    }
    if (r.p !== bump.length) throw new Error('trailing bytes after the BUMP');
    var offset = -1;
    levels[0].forEach(function (leaf, off) { if (leaf.hash && equal(leaf.hash, txidInternal)) offset = off; });
    if (offset < 0) throw new Error('the BUMP does not hold this transaction');
    // BRC-74 flag 0x02 marks the txid a BUMP proves: the bundle's BUMP flags the anchor txid and no other
    var flagged = 0;
    levels[0].forEach(function (leaf) { if (leaf.txid) flagged++; });
    if (flagged !== 1 || !levels[0].get(offset).txid) throw new Error('the BUMP must flag exactly the anchor txid (BRC-74 flag 0x02), it flags ' + flagged + ' txid(s)');
    var node = txidInternal;
    for (var lv = 0; lv < treeHeight; lv++) {
      var sib = levels[lv].get(offset ^ 1);
      if (!sib) throw new Error('the BUMP lacks a sibling at level ' + lv);
      var other = sib.dup ? node : sib.hash;
      node = await sha256d((offset & 1) ? concat(other, node) : concat(node, other));
      offset >>= 1;
    }
    return { height: height, root: node };
  }

  function targetOf(bits) {
    var exp = bits >>> 24, mant = BigInt(bits & 0x007fffff);
    if ((bits & 0x00800000) || mant === 0n) return 0n;
    return exp <= 3 ? mant >> BigInt(8 * (3 - exp)) : mant << BigInt(8 * (exp - 3));
  }

  // ---- the steps
  async function verify(bundle, platformKeyHex) {
    var steps = [];
    function step(name, status, detail) { steps.push({ step: name, status: status, detail: detail }); }
    var item, salt, tx, bump, headers, kind, enrolled = null;
    try {
      if (bundle.format !== 'peerwatt-proof-bundle' || bundle.version !== 1) throw new Error('not a version 1 PeerWatt proof bundle');
      kind = KINDS[bundle.kind]; if (!kind) throw new Error('unknown kind ' + bundle.kind);
      item = unhex(bundle.item); salt = unhex(bundle.salt); tx = unhex(bundle.anchorTx); bump = unhex(bundle.bump);
      headers = bundle.headers.map(unhex);
      if (salt.length !== 32 || headers.length < 1 || headers.some(function (h) { return h.length !== 80; })) throw new Error('bad salt or header length');
      if (kind === 1 && item.length !== 110) throw new Error('a reading is 110 bytes');
      if (kind !== 1 && bundle.certificate) throw new Error('only reading bundles carry a device certificate');
      if (kind === 5) enrolled = parseCertificate(item);
      step('bundleFormat', 'pass', bundle.kind + ', ' + item.length + ' item bytes, ' + headers.length + ' header(s)');
    } catch (e) {
      step('bundleFormat', 'fail', e.message);
      return steps;
    }
    // 2. device signature (readings)
    if (kind === 1) {
      try {
        var ok = ecdsaVerify(item.subarray(1, 34), await sha256(item), unhex(bundle.signature || ''));
        step('deviceSignature', ok ? 'pass' : 'fail', ok ? 'signed by device ' + hex(item.subarray(1, 34)).slice(0, 16) + '…' : 'the signature does not match the reading');
      } catch (e) { step('deviceSignature', 'fail', e.message); }
      // 3. certificate
      try {
        var c = bundle.certificate;
        if (!c) throw new Error('no certificate');
        if (!platformKeyHex) { step('certificate', 'notChecked', 'no platform key given'); }
        else if (c.issuerKey.toLowerCase() !== platformKeyHex.toLowerCase()) step('certificate', 'fail', 'issued by another key than the platform key given');
        else if (c.deviceKey.toLowerCase() !== hex(item.subarray(1, 34))) step('certificate', 'fail', 'the certificate is for another device');
        else {
          var takenAt = u64be(item, 44);
          var valid = ecdsaVerify(unhex(c.issuerKey), await sha256(certificateBytes(c)), unhex(c.signature));
          if (!valid) step('certificate', 'fail', 'the platform signature on the certificate does not match');
          else if (takenAt < Date.parse(c.validFrom) || takenAt >= Date.parse(c.validTo)) step('certificate', 'fail', 'the reading was taken outside the certificate validity');
          else step('certificate', 'pass', 'metering point ' + c.meteringPointId + ', zone ' + c.zoneCode);
        }
      } catch (e) { step('certificate', 'fail', e.message); }
    } else {
      // the platform's signature over SHA-256(item), when the bundle carries one
      try {
        if (!bundle.signature) step('deviceSignature', 'notApplicable', 'a ' + bundle.kind + ' is carried without a signature');
        else if (!platformKeyHex) step('deviceSignature', 'notChecked', 'no platform key given');
        else if (ecdsaVerify(unhex(platformKeyHex), await sha256(item), unhex(bundle.signature))) step('deviceSignature', 'pass', 'signed by the platform key');
        else step('deviceSignature', 'fail', 'the platform signature does not match the ' + bundle.kind);
      } catch (e) { step('deviceSignature', 'fail', e.message); }
      if (kind === 5) {
        // an enrolment's item is the certificate itself: the trusted platform key must have issued and signed it
        try {
          if (!platformKeyHex) step('certificate', 'notChecked', 'no platform key given');
          else if (hex(enrolled.issuerKey) !== platformKeyHex.toLowerCase()) step('certificate', 'fail', 'issued by another key than the platform key given');
          else if (!ecdsaVerify(enrolled.issuerKey, await sha256(enrolled.encoding), enrolled.signature)) step('certificate', 'fail', 'the platform signature on the certificate does not match');
          else step('certificate', 'pass', 'certificate serial ' + enrolled.serial + ' for device ' + hex(enrolled.deviceKey).slice(0, 16) + '…, metering point '
            + enrolled.meteringPointId + ', zone ' + enrolled.zoneCode + ', valid from ' + new Date(enrolled.validFrom).toISOString());
        } catch (e) { step('certificate', 'fail', e.message); }
      } else {
        step('certificate', 'notApplicable', 'only readings and enrolments carry a device certificate');
      }
    }
    // 4. leaf -> anchor root
    var root = null, treeSize = 0;
    try {
      var index = bundle.proof.index, width = bundle.proof.treeSize, sibs = bundle.proof.siblings.map(unhex), used = 0;
      treeSize = width;
      if (!(index >= 0 && index < width)) throw new Error('leaf index outside the tree');
      var h = await sha256(concat(Uint8Array.of(0), Uint8Array.of(kind), salt, item));
      while (width > 1) {
        if ((index ^ 1) < width) {
          if (used >= sibs.length) throw new Error('the path is too short');
          var sibling = sibs[used++];
          h = await sha256(concat(Uint8Array.of(1), (index & 1) ? sibling : h, (index & 1) ? h : sibling));
        }
        index >>= 1; width = Math.ceil(width / 2);
      }
      if (used !== sibs.length) throw new Error('the path is too long');
      root = h;
      step('leafToAnchorRoot', 'pass', 'root ' + hex(root).slice(0, 16) + '… over ' + treeSize + ' leaves');
    } catch (e) { step('leafToAnchorRoot', 'fail', e.message); }
    // 5. root in the anchor transaction
    try {
      var anchors = anchorOutputs(tx);
      var hit = root && anchors.some(function (a) { return equal(a.root, root) && a.leafCount === treeSize; });
      step('rootInAnchorTx', hit ? 'pass' : 'fail', hit ? 'OP_RETURN output commits to the root' : anchors.length ? 'the anchor output commits to another root or leaf count' : 'no PeerWatt anchor output in the transaction');
    } catch (e) { step('rootInAnchorTx', 'fail', e.message); }
    // 6. txid -> BUMP -> header Merkle root
    var blockHeight = null;
    try {
      var txid = await sha256d(tx), br = await bumpRoot(bump, txid);
      blockHeight = br.height;
      var ok6 = equal(br.root, headers[0].subarray(36, 68));
      step('txInBlock', ok6 ? 'pass' : 'fail', ok6 ? 'txid ' + hex(reversed(txid)).slice(0, 16) + '… in block ' + br.height : 'the BUMP root is not the header\'s Merkle root');
    } catch (e) { step('txInBlock', 'fail', e.message); }
    // 7. proof of work and linkage of the bundled headers
    try {
      var prev = null, problems = [];
      for (var i = 0; i < headers.length; i++) {
        var hh = await sha256d(headers[i]);
        var bits = new Reader(headers[i].subarray(72, 76)).le(4);
        if (big(reversed(hh)) > targetOf(bits) || targetOf(bits) === 0n) problems.push('header ' + i + ' does not meet its target');
        if (prev && !equal(headers[i].subarray(4, 36), prev)) problems.push('header ' + i + ' does not follow the previous one');
        prev = hh;
      }
      step('proofOfWork', problems.length ? 'fail' : 'pass', problems.length ? problems.join('; ') : headers.length + ' header(s) meet their targets');
    } catch (e) { step('proofOfWork', 'fail', e.message); }
    step('headerChain', 'notChecked', 'compare block ' + (blockHeight === null ? '?' : blockHeight) + ' with a header chain you trust: peerwatt verify --headers FILE');
    return steps;
  }

  // ---- what a verified item says, in words
  function i64be(b, o) { var v = 0n; for (var i = 0; i < 8; i++) v = (v << 8n) | BigInt(b[o + i]); return BigInt.asIntN(64, v); }
  function ByteReader(b) { this.b = b; this.p = 0; }
  ByteReader.prototype.u8 = function () { if (this.p >= this.b.length) throw new Error('truncated'); return this.b[this.p++]; };
  ByteReader.prototype.u16 = function () { return this.u8() * 256 + this.u8(); };
  ByteReader.prototype.i32 = function () { var v = 0; for (var i = 0; i < 4; i++) v = v * 256 + this.u8(); return v | 0; };
  ByteReader.prototype.i64 = function () { if (this.p + 8 > this.b.length) throw new Error('truncated'); var v = i64be(this.b, this.p); this.p += 8; return v; };
  ByteReader.prototype.skip = function (n) { this.p += n; };
  ByteReader.prototype.str8 = function () { var n = this.u8(); var t = new TextDecoder().decode(this.b.subarray(this.p, this.p + n)); this.p += n; return t; };
  ByteReader.prototype.str16 = function () { var n = this.u16(); var t = new TextDecoder().decode(this.b.subarray(this.p, this.p + n)); this.p += n; return t; };

  function kwh(wh) { wh = BigInt(wh); var neg = wh < 0n; if (neg) wh = -wh; return (neg ? '-' : '') + (wh / 1000n) + '.' + String(wh % 1000n).padStart(3, '0') + ' kWh'; }
  function money(milliCt, currency) {
    var m = BigInt(milliCt), neg = m < 0n; if (neg) m = -m;
    var symbol = currency === 'EUR' ? '€' : currency + ' ';
    var text;
    if (m !== 0n && m < 1000n) { var d = String(m).padStart(5, '0').replace(/0+$/, ''); text = '0.' + (d.length < 2 ? d + '0' : d); }
    else { var cents = m / 1000n; text = (cents / 100n) + '.' + String(cents % 100n).padStart(2, '0'); }
    return (neg ? '-' : '') + symbol + text;
  }
  function price(milliCtPerKwh) { var p = BigInt(milliCtPerKwh), neg = p < 0n; if (neg) p = -p; return (neg ? '-' : '') + (p / 1000n) + '.' + String(p % 1000n).padStart(3, '0') + ' ct/kWh'; }
  function when(ms, tz) {
    var d = new Date(Number(ms));
    var local = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d);
    return local + ' (' + tz + '; ' + d.toISOString().replace('.000Z', 'Z') + ')';
  }
  function quarter(seconds, tz) {
    var f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit' });
    var day = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short' });
    var start = new Date(Number(seconds) * 1000), end = new Date((Number(seconds) + 900) * 1000);
    return 'the quarter-hour ' + day.format(start) + ' ' + f.format(start) + '–' + f.format(end) + ' (' + tz + ')';
  }
  var LINE_WORDS = { 1: 'energy bought', 2: 'grid fee', 3: 'energy sold and delivered', 4: 'sold but not exported', 5: 'bought but not imported', 6: 'drawn beyond what was bought' };

  // Sentences saying what the verified item states and where it is anchored.
  async function describe(bundle, tz, currency) {
    var item = unhex(bundle.item), out = [], r;
    if (bundle.kind === 'reading') {
      var power = new ByteReader(item.subarray(68, 72)).i32();
      out.push('The meter behind channel ' + (item[34] * 256 + item[35]) + ' of gateway ' + hex(item.subarray(1, 34)).slice(0, 12) + '… was read at ' + when(i64be(item, 44), tz)
        + ': its counters stood at ' + kwh(i64be(item, 52)) + ' drawn from the grid and ' + kwh(i64be(item, 60)) + ' sent to it in total, '
        + (power < 0 ? 'sending ' + (-power) + ' W' : 'drawing ' + power + ' W') + ' (reading number ' + i64be(item, 36) + ' of the gateway\'s signed chain).');
      if (bundle.certificate) out.push('The gateway was enrolled by the platform for metering point ' + bundle.certificate.meteringPointId + ' in zone ' + bundle.certificate.zoneCode + '.');
    } else if (bundle.kind === 'trade') {
      r = new ByteReader(item); r.skip(5);
      var id = r.i64(), zone = r.str8(), slot = r.i64(), buyOrder = r.i64(), buyer = r.i64(), sellOrder = r.i64(), seller = r.i64(), q = r.i64(), p = r.i64(), fee = r.i64();
      out.push('Trade ' + id + ' in zone ' + zone + ' for ' + quarter(slot, tz) + ': account ' + buyer + ' bought ' + kwh(q) + ' from account ' + seller
        + ' at ' + price(p) + ', worth ' + money(q * p / 1000n, currency) + ', plus the grid fee of ' + price(fee) + ' on the buyer\'s side.');
    } else if (bundle.kind === 'statement') {
      r = new ByteReader(item); r.skip(5);
      var account = r.i64(), szone = r.str16(), start = r.i64(), version = r.i32(); r.skip(32);
      var cur = r.str16(); r.u8(); r.i64(); r.i64(); r.str16(); r.i64(); r.i32();
      var bought = r.i64(), sold = r.i64(), delivered = r.i64(), imported = r.i64(), exported = r.i64(), flags = r.u8();
      var lines = r.i32(), words = [];
      for (var i = 0; i < lines; i++) {
        var kind = r.u8(); r.i64(); var lq = r.i64(); r.i64(); var amount = r.i64(); r.i64();
        words.push((LINE_WORDS[kind] || 'line ' + kind) + ' ' + kwh(lq) + ' ' + (amount > 0n ? '+' : '') + money(amount, cur));
      }
      var total = r.i64(), totalSat = r.i64();
      out.push('Statement version ' + version + ' of account ' + account + ' in zone ' + szone + ' for ' + quarter(start, tz) + ': bought ' + kwh(bought) + ', sold ' + kwh(sold)
        + ' (delivered ' + kwh(delivered) + '); the meter measured ' + kwh(imported) + ' drawn and ' + kwh(exported) + ' sent'
        + ((flags & 2) ? ' (some readings were missing)' : (flags & 1) ? ' (interpolated over a gap)' : '') + '.');
      out.push('Amount: ' + (total > 0n ? '+' : '') + money(total, cur) + ' (' + totalSat + ' sat' + (totalSat >= 0n ? ' to the household' : ' from the household') + ')'
        + (words.length ? ', made of ' + words.join('; ') : '') + '.');
    } else if (bundle.kind === 'report') {
      out.push('The settlement report whose SHA-256 is ' + hex(item.length === 32 ? item : await sha256(item)).slice(0, 16) + '… existed, unchanged, when it was anchored.');
    } else if (bundle.kind === 'enrolment') {
      var c = parseCertificate(item);
      out.push('The platform issued certificate ' + c.serial + ' to gateway ' + hex(c.deviceKey).slice(0, 12) + '… for metering point ' + c.meteringPointId + ' of account '
        + c.ownerAccountId + ' in zone ' + c.zoneCode + ', valid from ' + when(c.validFrom, tz) + '.');
    }
    var header = unhex(bundle.headers[0]);
    var mined = new Reader(header.subarray(68, 72)).le(4);
    var txid = hex(reversed(await sha256d(unhex(bundle.anchorTx))));
    var height = null;
    try { height = new Reader(unhex(bundle.bump)).varint(); } catch (e) { height = null; }
    out.push('It is anchored in transaction ' + txid.slice(0, 16) + '…, mined in block ' + (height === null ? '?' : height) + ' at ' + when(mined * 1000, tz) + '.');
    return out;
  }

  return { verify: verify, describe: describe, ecdsaVerify: ecdsaVerify, hex: hex, unhex: unhex };
})();

// Wires the proofs page: paste or open a proof, verify, say what it proves and list each step.
(function () {
  var form = document.getElementById('verify-form');
  if (!form) return;
  var TITLES = {
    bundleFormat: 'The proof is complete and readable',
    deviceSignature: 'The signature is valid',
    certificate: 'The gateway\'s certificate comes from the platform key you trust',
    leafToAnchorRoot: 'The item is a leaf of the anchored tree',
    rootInAnchorTx: 'The anchor transaction commits to that tree',
    txInBlock: 'The transaction is in the block',
    proofOfWork: 'The block header carries real proof of work',
    headerChain: 'The block is on the chain you trust'
  };
  var STATUS = { pass: 'passed', fail: 'failed', notApplicable: 'not needed', notChecked: 'not checked here' };
  var out = document.getElementById('verify-steps');
  var verdict = document.getElementById('verify-verdict');
  var words = document.getElementById('verify-words');
  var details = document.getElementById('verify-details');
  var file = document.getElementById('bundle-file');
  var tz = form.dataset.tz || 'UTC', currency = form.dataset.currency || 'EUR';
  if (file) file.addEventListener('change', function () {
    if (file.files[0]) file.files[0].text().then(function (t) { document.getElementById('bundle-json').value = t; });
  });
  function run() {
    out.innerHTML = ''; words.hidden = true; words.innerHTML = '';
    verdict.textContent = 'Checking…'; verdict.className = ''; delete verdict.dataset.verified;
    var bundle;
    try { bundle = JSON.parse(document.getElementById('bundle-json').value); }
    catch (e) { verdict.textContent = 'That is not a proof file (not JSON: ' + e.message + ').'; verdict.className = 'error'; verdict.dataset.verified = 'false'; return; }
    PeerWattProof.verify(bundle, document.getElementById('platform-key').value.trim()).then(function (steps) {
      steps.forEach(function (s) {
        var li = document.createElement('li');
        li.className = s.status === 'pass' ? 'pass' : s.status === 'fail' ? 'fail' : 'skip';
        li.dataset.step = s.step; li.dataset.status = s.status;
        li.textContent = (TITLES[s.step] || s.step) + ': ' + (STATUS[s.status] || s.status) + ' (' + s.detail + ')';
        out.appendChild(li);
      });
      var failed = steps.filter(function (s) { return s.status === 'fail'; });
      if (failed.length) {
        verdict.textContent = 'Not verified. This check failed: ' + (TITLES[failed[0].step] || failed[0].step) + ' (' + failed[0].detail + ').';
        verdict.className = 'error'; verdict.dataset.verified = 'false'; verdict.dataset.failedStep = failed[0].step;
        details.open = true;
        return;
      }
      verdict.textContent = 'Verified in your browser: every step checked here passed.';
      verdict.className = 'ok'; verdict.dataset.verified = 'true'; delete verdict.dataset.failedStep;
      return PeerWattProof.describe(bundle, tz, currency).then(function (sentences) {
        var h = document.createElement('p'); h.innerHTML = '<strong>What this proves</strong>'; words.appendChild(h);
        sentences.forEach(function (t) { var p = document.createElement('p'); p.textContent = t; words.appendChild(p); });
        words.hidden = false;
      }, function (e) { words.textContent = 'The item could not be put in words: ' + e.message; words.hidden = false; });
    });
  }
  form.addEventListener('submit', function (ev) { ev.preventDefault(); run(); });
  if (form.dataset.auto === 'true') run();
})();
