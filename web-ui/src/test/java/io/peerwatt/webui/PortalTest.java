package io.peerwatt.webui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortalTest {

  @Test
  void proofLinksMapToTheApiRoutesOnly() {
    assertThat(Portal.proofPath("reading", "5/0/17")).isEqualTo("/proofs/readings/5/0/17");
    assertThat(Portal.proofPath("trade", "42")).isEqualTo("/proofs/trades/42");
    assertThat(Portal.proofPath("enrolment", "5")).isEqualTo("/proofs/enrolments/5");
    assertThat(Portal.proofPath("enrolment", "5/0/17")).isNull();
    assertThat(Portal.proofPath("reading", "../accounts")).isNull();
    assertThat(Portal.proofPath("report", "ab")).isNull();
    assertThat(Portal.proofPath("report", "ab".repeat(32)))
        .isEqualTo("/proofs/reports/" + "ab".repeat(32));
    // a statement names its slot as an ISO 8601 start, which the API takes
    assertThat(Portal.proofPath("statement", "3/DEMO-1/2026-11-25T10:00Z/1"))
        .isEqualTo("/proofs/statements/3/DEMO-1/2026-11-25T10:00Z/1");
    assertThat(Portal.proofPath(null, "5")).isNull();
  }
}
