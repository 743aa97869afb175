package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Transaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory {@link ChainBackend} for other modules' unit tests: records every broadcast, accepts
 * unless told to reject the next ones, and reports what it recorded. It checks nothing about
 * scripts or inputs; use the devnet backend where validity matters. Thread-safe.
 */
public final class RecordingChainBackend implements ChainBackend {
  private final List<byte[]> broadcasts = new ArrayList<>();
  private final Map<String, TxStatus> statuses = new LinkedHashMap<>();
  private final Deque<BroadcastResult> scriptedAnswers = new ArrayDeque<>();
  private final List<ChainHeader> headers = new ArrayList<>();
  private FeePolicy feePolicy = new FeePolicy(100, 1);

  /** Starts with a single all-zero header at height 0 so {@link #tip()} answers. */
  public RecordingChainBackend() {
    headers.add(new ChainHeader(0, new byte[ChainHeader.HEADER_BYTES]));
  }

  @Override
  public String network() {
    return "recording";
  }

  @Override
  public synchronized BroadcastResult broadcast(byte[] rawTx) {
    broadcasts.add(rawTx.clone());
    String txid;
    try {
      txid = Transaction.parse(rawTx).txidHex();
    } catch (FormatException e) {
      return BroadcastResult.rejected("", RejectReason.MALFORMED, e.getMessage());
    }
    BroadcastResult scripted = scriptedAnswers.poll();
    if (scripted != null) {
      BroadcastResult answer =
          new BroadcastResult(txid, scripted.outcome(), scripted.reason(), scripted.detail());
      if (answer.isAccepted()) {
        statuses.putIfAbsent(txid, TxStatus.mempool(txid));
      }
      return answer;
    }
    if (statuses.containsKey(txid)) {
      return BroadcastResult.alreadyKnown(txid);
    }
    statuses.put(txid, TxStatus.mempool(txid));
    return BroadcastResult.accepted(txid);
  }

  /** The next broadcast is rejected with this reason (queued answers are used in order). */
  public synchronized void rejectNext(RejectReason reason, String detail) {
    scriptedAnswers.add(BroadcastResult.rejected("", reason, detail));
  }

  /** Sets what {@link #status(String)} answers for {@code txid}. */
  public synchronized void setStatus(TxStatus status) {
    statuses.put(status.txid(), status);
  }

  /** Appends a header at the next height. */
  public synchronized void addHeader(byte[] header80) {
    headers.add(new ChainHeader(headers.size(), header80));
  }

  public synchronized void setFeePolicy(FeePolicy policy) {
    this.feePolicy = policy;
  }

  /** Every broadcast so far, in order, including rejected ones. */
  public synchronized List<byte[]> broadcasts() {
    return broadcasts.stream().map(byte[]::clone).toList();
  }

  /** Every broadcast so far parsed, skipping unparseable ones. */
  public synchronized List<Transaction> broadcastTransactions() {
    List<Transaction> out = new ArrayList<>();
    for (byte[] raw : broadcasts) {
      try {
        out.add(Transaction.parse(raw));
      } catch (FormatException e) {
        // recorded as sent, but it is no transaction
      }
    }
    return out;
  }

  @Override
  public synchronized TxStatus status(String txid) {
    return statuses.getOrDefault(txid, TxStatus.unknown(txid));
  }

  @Override
  public synchronized Optional<ChainHeader> header(long height) {
    return height >= 0 && height < headers.size()
        ? Optional.of(headers.get((int) height))
        : Optional.empty();
  }

  @Override
  public synchronized List<ChainHeader> headers(long fromHeight, int count) {
    List<ChainHeader> out = new ArrayList<>();
    for (long h = Math.max(0, fromHeight); h < headers.size() && out.size() < count; h++) {
      out.add(headers.get((int) h));
    }
    return out;
  }

  @Override
  public synchronized ChainHeader tip() {
    return headers.get(headers.size() - 1);
  }

  @Override
  public synchronized FeePolicy feePolicy() {
    return feePolicy;
  }
}
