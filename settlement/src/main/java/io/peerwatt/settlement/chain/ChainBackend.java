package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.bsv.FeePolicy;
import java.util.List;
import java.util.Optional;

/**
 * The port to a BSV chain: broadcast, transaction status with Merkle proof, block headers and the
 * fee policy. Implemented by the embedded devnet, a node's JSON-RPC and ARC, so it asks only what
 * all three can answer. Calls block (they may do I/O): run them on worker threads, never on an
 * event loop. Expected outcomes (rejection, unknown transaction) are values; I/O failures are
 * {@link ChainUnavailableException}.
 */
public interface ChainBackend {

  /** The network name shown to users: "devnet", "regtest", "testnet" or "mainnet". */
  String network();

  /** Submits a serialized transaction. Re-broadcasting a known transaction is not an error. */
  BroadcastResult broadcast(byte[] rawTx);

  /** Where the transaction is; with its BUMP (BRC-74) once mined. {@code txid} is display hex. */
  TxStatus status(String txid);

  /** The header at {@code height} on the best chain, if the chain is that long. */
  Optional<ChainHeader> header(long height);

  /** Up to {@code count} consecutive headers starting at {@code fromHeight}, fewer at the tip. */
  List<ChainHeader> headers(long fromHeight, int count);

  /** The best chain's tip. */
  ChainHeader tip();

  /** What the backend charges and accepts. */
  FeePolicy feePolicy();
}
