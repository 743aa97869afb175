package io.peerwatt.settlement.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingChainBackendTest {
  private final Transaction tx =
      new Transaction(
          1,
          List.of(new TxInput(new byte[32], 0, new byte[] {0x51}, TxInput.SEQUENCE_FINAL)),
          List.of(new TxOutput(1_000, new byte[] {0x51})),
          0);

  @Test
  void recordsBroadcastsAndAnswersAsScripted() {
    RecordingChainBackend chain = new RecordingChainBackend();
    chain.rejectNext(RejectReason.DOUBLE_SPEND, "conflict");
    BroadcastResult first = chain.broadcast(tx.serialize());
    assertThat(first.reason()).isEqualTo(RejectReason.DOUBLE_SPEND);
    assertThat(first.txid()).isEqualTo(tx.txidHex());
    assertThat(chain.status(tx.txidHex()).state()).isEqualTo(TxStatus.State.UNKNOWN);
    assertThat(chain.broadcast(tx.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ACCEPTED);
    assertThat(chain.broadcast(tx.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ALREADY_KNOWN);
    assertThat(chain.status(tx.txidHex()).state()).isEqualTo(TxStatus.State.MEMPOOL);
    assertThat(chain.broadcastTransactions()).containsExactly(tx, tx, tx);
    assertThat(chain.broadcast(new byte[] {1}).reason()).isEqualTo(RejectReason.MALFORMED);
    assertThat(chain.broadcasts()).hasSize(4);
  }

  @Test
  void feePolicyRoundsUpPerKilobyte() {
    FeePolicy p = new FeePolicy(50, 1);
    assertThat(p.feeFor(0)).isZero();
    assertThat(p.feeFor(1)).isEqualTo(1);
    assertThat(p.feeFor(1000)).isEqualTo(50);
    assertThat(p.feeFor(1001)).isEqualTo(51);
    assertThat(RejectReason.fromCode(202)).isEqualTo(RejectReason.DOUBLE_SPEND);
  }
}
