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
        .isEqualTo("connection refused: 127.0.0.1:27099");
    assertThat(FailureReasons.describe(new ConnectException("connect timed out")))
        .isEqualTo("connection refused: connect timed out");
  }

  @Test
  void aTimeoutIsATimeoutNotARefusal() {
    assertThat(FailureReasons.describe(new io.netty.channel.ConnectTimeoutException(
        "connection timed out after 1000 ms: /127.0.0.1:27041")))
        .isEqualTo("connection timed out after 1000 ms: 127.0.0.1:27041");
    assertThat(Node.timedOut(new io.netty.channel.ConnectTimeoutException("x"))).isTrue();
    assertThat(Node.timedOut(new dev.cairn.shell.p2p.HandshakeException(
        dev.cairn.shell.p2p.HandshakeException.Reason.TIMEOUT, "x"))).isTrue();
    assertThat(Node.timedOut(new ConnectException("refused"))).isFalse();
  }

  @Test
  void aResetInTheHandshakeIsAHangUpNotAFailure() {
    assertThat(Node.hungUp(new java.io.IOException("Connection reset"))).isTrue();
    assertThat(Node.hungUp(new java.io.IOException("recvAddress(..) failed: Connection reset by peer"))).isTrue();
    assertThat(Node.hungUp(null)).isTrue();
    assertThat(Node.hungUp(new java.io.IOException("No route to host"))).isFalse();
    assertThat(Node.hungUp(new dev.cairn.shell.p2p.HandshakeException(
        dev.cairn.shell.p2p.HandshakeException.Reason.WRONG_NETWORK, "peer is on network x"))).isFalse();
  }

  @Test
  void anUnresolvedHostIsSaidInWords() {
    assertThat(FailureReasons.describe(new java.util.concurrent.ExecutionException(new UnresolvedAddressException())))
        .as("as a bind's future reports it").isEqualTo("the host name does not resolve");
    assertThat(FailureReasons.describe(new UnresolvedAddressException())).isEqualTo("the host name does not resolve");
  }

  @Test
  void aConnectionThePeerEndedIsSaidAsWhatHappened() {
    assertThat(FailureReasons.describe(new java.io.IOException("Broken pipe")))
        .isEqualTo("the peer closed the connection (broken pipe: written to after it was closed)");
    assertThat(FailureReasons.describe(new java.io.IOException("writeAddress(..) failed: Broken pipe")))
        .as("Netty's native transport").startsWith("the peer closed the connection");
    assertThat(FailureReasons.describe(new java.net.SocketException("Connection reset")))
        .isEqualTo("the peer reset the connection");
    assertThat(FailureReasons.describe(new java.io.IOException("recvAddress(..) failed: Connection reset by peer")))
        .isEqualTo("the peer reset the connection");
    assertThat(FailureReasons.describe(new java.io.IOException("No route to host"))).isEqualTo("No route to host");
  }
}
