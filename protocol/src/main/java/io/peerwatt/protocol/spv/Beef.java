package io.peerwatt.protocol.spv;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.StrictHex;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Background Evaluation Extended Format: BUMPs (BRC-74) followed by transactions, parents before
 * children, so a receiver can check a transaction and its unconfirmed ancestry against block
 * headers.
 *
 * <ul>
 *   <li>V1 (BRC-62): {@code 0100beef} (uint32 LE 4022206465), nBUMPs varint, BUMPs, nTxs varint,
 *       then per transaction the raw tx, a byte 0x00 (no BUMP) or 0x01 followed by the BUMP index
 *       varint.
 *   <li>V2 (BRC-96): {@code 0200beef}, same BUMP list, then per transaction a format byte: 0x00 raw
 *       tx, 0x01 BUMP index varint then raw tx (the order the reference SDKs write), 0x02 txid only
 *       (32 bytes, internal order).
 *   <li>Atomic (BRC-95): {@code 01010101}, the subject txid (32 bytes, internal order), then a V1
 *       or V2 BEEF whose every transaction is the subject or one of its ancestors.
 * </ul>
 *
 * <p>Decoding rejects: unknown versions, trailing bytes, BUMP indices out of range, a transaction
 * claimed by a BUMP that does not contain its txid, repeated txids, a child before its parent, and
 * for Atomic BEEF a missing subject or a transaction outside the subject's ancestry.
 *
 * @param version {@link #V1} or {@link #V2}
 * @param bumps the Merkle paths
 * @param transactions in stream order, parents first
 * @param atomicSubject the subject txid (internal order) for Atomic BEEF, null otherwise
 */
public record Beef(
    long version, List<Bump> bumps, List<Beef.Tx> transactions, byte[] atomicSubject) {
  /** BRC-62 version, bytes {@code 01 00 be ef}. */
  public static final long V1 = 4022206465L;

  /** BRC-96 version, bytes {@code 02 00 be ef}. */
  public static final long V2 = 4022206466L;

  /** BRC-95 prefix, bytes {@code 01 01 01 01}. */
  public static final long ATOMIC_PREFIX = 0x01010101L;

  /**
   * One transaction of a BEEF: the parsed transaction (null when only its txid is given, V2) and
   * the index of its BUMP (null when it is not proven by one).
   *
   * @param transaction the transaction, or null for a txid-only entry
   * @param txid its txid, internal byte order
   * @param bumpIndex index into {@link Beef#bumps()}, or null
   */
  public record Tx(Transaction transaction, byte[] txid, Integer bumpIndex) {
    public Tx {
      if (txid.length != 32) {
        throw new IllegalArgumentException("txid must be 32 bytes");
      }
      if (transaction != null && !Arrays.equals(transaction.txid(), txid)) {
        throw new IllegalArgumentException("txid does not match the transaction");
      }
      if (transaction == null && bumpIndex != null) {
        throw new IllegalArgumentException("a txid-only entry has no BUMP index");
      }
      txid = txid.clone();
    }

    /** A raw transaction, optionally proven by BUMP {@code bumpIndex}. */
    public static Tx of(Transaction transaction, Integer bumpIndex) {
      return new Tx(transaction, transaction.txid(), bumpIndex);
    }

    /** A V2 txid-only entry. */
    public static Tx txidOnly(byte[] txid) {
      return new Tx(null, txid, null);
    }

    @Override
    public byte[] txid() {
      return txid.clone();
    }

    public boolean isTxidOnly() {
      return transaction == null;
    }

    public boolean hasProof() {
      return bumpIndex != null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tx t
          && Arrays.equals(txid, t.txid)
          && java.util.Objects.equals(bumpIndex, t.bumpIndex)
          && isTxidOnly() == t.isTxidOnly();
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(txid);
    }

    @Override
    public String toString() {
      return BitcoinMerkle.toDisplayHex(txid)
          + (isTxidOnly() ? " (txid only)" : "")
          + (bumpIndex != null ? " bump " + bumpIndex : "");
    }
  }

  public Beef {
    if (version != V1 && version != V2) {
      throw new FormatException("unknown BEEF version " + Long.toHexString(version));
    }
    bumps = List.copyOf(bumps);
    transactions = List.copyOf(transactions);
    atomicSubject = atomicSubject == null ? null : atomicSubject.clone();
    validate(version, bumps, transactions, atomicSubject);
  }

  /** A V1 BEEF. */
  public static Beef v1(List<Bump> bumps, List<Tx> transactions) {
    return new Beef(V1, bumps, transactions, null);
  }

  @Override
  public byte[] atomicSubject() {
    return atomicSubject == null ? null : atomicSubject.clone();
  }

  public boolean isAtomic() {
    return atomicSubject != null;
  }

  private static void validate(long version, List<Bump> bumps, List<Tx> txs, byte[] subject) {
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < txs.size(); i++) {
      Tx tx = txs.get(i);
      if (tx.isTxidOnly() && version == V1) {
        throw new FormatException("txid-only entries need BEEF V2");
      }
      if (tx.bumpIndex() != null) {
        if (tx.bumpIndex() < 0 || tx.bumpIndex() >= bumps.size()) {
          throw new FormatException(
              "BUMP index " + tx.bumpIndex() + " out of range at transaction " + i);
        }
        if (!bumps.get(tx.bumpIndex()).contains(tx.txid)) {
          throw new FormatException(
              "BUMP "
                  + tx.bumpIndex()
                  + " does not contain transaction "
                  + BitcoinMerkle.toDisplayHex(tx.txid));
        }
      }
      if (position.put(key(tx.txid), i) != null) {
        throw new FormatException(
            "transaction " + BitcoinMerkle.toDisplayHex(tx.txid) + " appears twice");
      }
    }
    for (int i = 0; i < txs.size(); i++) {
      Tx tx = txs.get(i);
      if (tx.isTxidOnly()) {
        continue;
      }
      for (TxInput in : tx.transaction().inputs()) {
        Integer parent = position.get(key(in.prevTxid()));
        if (parent != null && parent > i) {
          throw new FormatException("transaction " + i + " comes before its parent " + parent);
        }
      }
    }
    if (subject != null) {
      Integer s = position.get(key(subject));
      if (s == null) {
        throw new FormatException("Atomic BEEF does not contain its subject transaction");
      }
      Set<String> ancestry = new HashSet<>();
      Deque<Integer> todo = new ArrayDeque<>();
      todo.add(s);
      while (!todo.isEmpty()) {
        Tx tx = txs.get(todo.pop());
        if (!ancestry.add(key(tx.txid)) || tx.isTxidOnly() || tx.hasProof()) {
          continue;
        }
        for (TxInput in : tx.transaction().inputs()) {
          Integer parent = position.get(key(in.prevTxid()));
          if (parent != null) {
            todo.add(parent);
          }
        }
      }
      if (ancestry.size() != txs.size()) {
        throw new FormatException(
            "Atomic BEEF contains "
                + (txs.size() - ancestry.size())
                + " transaction(s) unrelated to its subject");
      }
    }
  }

  private static String key(byte[] txid) {
    return StrictHex.encode(txid);
  }

  /** The transaction a proof is about: the Atomic subject, else the last one. */
  public Tx subject() {
    if (atomicSubject != null) {
      return find(atomicSubject);
    }
    return transactions.get(transactions.size() - 1);
  }

  /** The entry with this txid (internal order), or null. */
  public Tx find(byte[] txid) {
    for (Tx tx : transactions) {
      if (Arrays.equals(tx.txid, txid)) {
        return tx;
      }
    }
    return null;
  }

  /** The output an input spends, when its parent transaction is in this BEEF; null otherwise. */
  public TxOutput sourceOutput(TxInput input) {
    Tx parent = find(input.prevTxid());
    if (parent == null
        || parent.isTxidOnly()
        || input.prevIndex() >= parent.transaction().outputs().size()) {
      return null;
    }
    return parent.transaction().outputs().get((int) input.prevIndex());
  }

  /**
   * Transactions whose validity is not established by the BEEF itself: neither proven by a BUMP,
   * txid-only, nor with every input's parent present. Empty for a complete BEEF.
   */
  public List<Tx> unanchored() {
    List<Tx> out = new ArrayList<>();
    for (Tx tx : transactions) {
      if (tx.isTxidOnly() || tx.hasProof()) {
        continue;
      }
      for (TxInput in : tx.transaction().inputs()) {
        if (find(in.prevTxid()) == null) {
          out.add(tx);
          break;
        }
      }
    }
    return out;
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter(1024);
    if (atomicSubject != null) {
      w.writeUInt32LE(ATOMIC_PREFIX).write(atomicSubject);
    }
    w.writeUInt32LE(version);
    w.writeVarInt(bumps.size());
    for (Bump b : bumps) {
      b.write(w);
    }
    w.writeVarInt(transactions.size());
    for (Tx tx : transactions) {
      if (version == V1) {
        tx.transaction().write(w);
        if (tx.bumpIndex() == null) {
          w.writeByte(0);
        } else {
          w.writeByte(1).writeVarInt(tx.bumpIndex());
        }
      } else if (tx.isTxidOnly()) {
        w.writeByte(2).write(tx.txid);
      } else if (tx.bumpIndex() != null) {
        w.writeByte(1).writeVarInt(tx.bumpIndex());
        tx.transaction().write(w);
      } else {
        w.writeByte(0);
        tx.transaction().write(w);
      }
    }
    return w.toByteArray();
  }

  public String toHex() {
    return StrictHex.encode(encode());
  }

  /** Decodes V1, V2 or Atomic BEEF. */
  public static Beef decode(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    long first = in.readUInt32LE("BEEF version");
    byte[] subject = null;
    long version = first;
    if (first == ATOMIC_PREFIX) {
      subject = in.readBytes(32, "Atomic BEEF subject txid");
      version = in.readUInt32LE("BEEF version");
    }
    if (version != V1 && version != V2) {
      throw new FormatException("unknown BEEF version 0x" + Long.toHexString(version));
    }
    int nBumps = in.readCount("BUMP count", 3);
    List<Bump> bumps = new ArrayList<>(nBumps);
    for (int i = 0; i < nBumps; i++) {
      bumps.add(Bump.read(in));
    }
    int nTxs = in.readCount("transaction count", 1);
    List<Tx> txs = new ArrayList<>(nTxs);
    for (int i = 0; i < nTxs; i++) {
      if (version == V1) {
        Transaction t = Transaction.read(in);
        int has = in.readByte("has-BUMP byte");
        Integer idx =
            switch (has) {
              case 0 -> null;
              case 1 -> bumpIndex(in);
              default -> throw new FormatException("has-BUMP byte must be 0 or 1, got " + has);
            };
        txs.add(Tx.of(t, idx));
      } else {
        int format = in.readByte("transaction data format");
        switch (format) {
          case 0 -> txs.add(Tx.of(Transaction.read(in), null));
          case 1 -> {
            Integer idx = bumpIndex(in);
            txs.add(Tx.of(Transaction.read(in), idx));
          }
          case 2 -> txs.add(Tx.txidOnly(in.readBytes(32, "txid")));
          default -> throw new FormatException("unknown BEEF V2 transaction format " + format);
        }
      }
    }
    in.expectEnd("BEEF");
    if (nTxs == 0) {
      throw new FormatException("BEEF holds no transaction");
    }
    return new Beef(version, bumps, txs, subject);
  }

  public static Beef decodeHex(String hex) {
    return decode(StrictHex.decode(hex.strip(), "BEEF"));
  }

  private static Integer bumpIndex(ByteReader in) {
    long idx = in.readVarInt("BUMP index");
    if (idx > Integer.MAX_VALUE) {
      throw new FormatException("BUMP index out of range");
    }
    return (int) idx;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Beef b && Arrays.equals(encode(), b.encode());
  }

  @Override
  public int hashCode() {
    return transactions.hashCode();
  }

  @Override
  public String toString() {
    return "Beef["
        + (isAtomic() ? "atomic " : "")
        + (version == V1 ? "V1" : "V2")
        + " bumps="
        + bumps.size()
        + " txs="
        + transactions
        + "]";
  }
}
