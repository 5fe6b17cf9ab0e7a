package dev.cairn.shell.p2p;

/** A NodeInfo field breaks a rule of Go's {@code DefaultNodeInfo.Validate}. */
public final class InvalidNodeInfoException extends HandshakeException {

  private final String field;
  private final String rule;

  public InvalidNodeInfoException(String field, String rule, String detail) {
    super(Reason.INVALID_NODE_INFO, field + " " + rule + ": " + detail);
    this.field = field;
    this.rule = rule;
  }

  public InvalidNodeInfoException(String field, String rule, String detail, Throwable cause) {
    super(Reason.INVALID_NODE_INFO, field + " " + rule + ": " + detail, cause);
    this.field = field;
    this.rule = rule;
  }

  /** The proto field name, e.g. {@code listen_addr} or {@code other.tx_index}. */
  public String field() {
    return field;
  }

  /** The rule broken, e.g. {@code must be printable ASCII}. */
  public String rule() {
    return rule;
  }
}
