package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.keys.Secp256k1Ecdsa;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PeerwattCommandTest {

  @Test
  void versionNamesTheSecp256k1ImplementationInUse() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exit = PeerwattCommand.run("--version");
    } finally {
      System.setOut(old);
    }
    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
        .satisfiesExactly(
            first -> assertThat(first).matches("peerwatt \\d+\\.\\d+\\.\\d+.*"),
            second ->
                assertThat(second).isEqualTo("secp256k1: " + Secp256k1Ecdsa.inUse().description()));
  }
}
