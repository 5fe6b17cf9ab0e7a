package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

/** The one-line reasons the CLI prints and the node logs: each said once, in words, never a class name alone. */
class FailureReasonsTest {

  @Test
  void aRefusedConnectionIsSaidOnce() {
    assertThat(FailureReasons.describe(new ConnectException("Connection refused: /127.0.0.1:27099")))
        .isEqualTo("connection refused: /127.0.0.1:27099");
    assertThat(FailureReasons.describe(new ConnectException("connect timed out")))
        .isEqualTo("connection refused: connect timed out");
  }

  @Test
  void anUnresolvedHostIsSaidInWords() {
    assertThat(FailureReasons.describe(new java.util.concurrent.ExecutionException(new UnresolvedAddressException())))
        .as("as a bind's future reports it").isEqualTo("the host name does not resolve");
    assertThat(FailureReasons.describe(new UnresolvedAddressException())).isEqualTo("the host name does not resolve");
  }
}
