package io.peerwatt.protocol.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The JVM uses the implementation its run asks for. Protocol's tests run twice (see protocol's
 * pom): with the default choice, and with {@code -Dpeerwatt.secp256k1=bouncycastle}; this class
 * runs a third time with the native library made unloadable ({@code
 * -Dfr.acinq.secp256k1.lib.name}), so the fallback after a real load failure is tested.
 */
class Secp256k1EcdsaTest {
  /** The loader property that names the library file to load; set only by the load-failure run. */
  private static final String LIBRARY_NAME_PROPERTY = "fr.acinq.secp256k1.lib.name";

  @Test
  void theImplementationInUseIsTheOneThisRunAsksFor() {
    Secp256k1Ecdsa inUse = Secp256k1Ecdsa.inUse();
    if ("bouncycastle".equals(System.getProperty(Secp256k1Ecdsa.PROPERTY))) {
      assertThat(inUse.name()).isEqualTo("bouncycastle");
      assertThat(inUse.description()).contains("forced by -Dpeerwatt.secp256k1=bouncycastle");
    } else if (System.getProperty(LIBRARY_NAME_PROPERTY) != null) {
      assertThat(inUse.name()).isEqualTo("bouncycastle");
      assertThat(inUse.description())
          .startsWith("Bouncy Castle (pure Java; libsecp256k1 did not load: ")
          .contains("No native library found");
    } else {
      String arch = System.getProperty("os.arch");
      assumeTrue(
          System.getProperty("os.name").equals("Linux")
              && (arch.equals("amd64") || arch.equals("aarch64")),
          "the native library ships for linux x86_64 and aarch64 only");
      assertThat(inUse.name()).isEqualTo("native");
      assertThat(inUse.description()).startsWith("libsecp256k1 (native, JNI, Linux ");
    }
  }

  @Test
  void aFailureIsDescribedWithItsCausesOnOneLine() {
    Throwable failure =
        new ExceptionInInitializerError(
            new IllegalStateException(
                "No native library found: at /fr/acinq/secp256k1/jni/native/linux-arm/x.so"));
    assertThat(Secp256k1Implementations.describe(failure))
        .isEqualTo(
            "ExceptionInInitializerError <- IllegalStateException: No native library found: at "
                + "/fr/acinq/secp256k1/jni/native/linux-arm/x.so");
  }
}
