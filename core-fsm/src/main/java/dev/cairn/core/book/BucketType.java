package dev.cairn.core.book;

/**
 * Which table an address sits in: {@code NEW} (heard of through gossip, not yet vetted) or
 * {@code OLD} (we have had a good connection to it). The codes are those of the
 * {@code bucket_type} field of CometBFT's {@code addrbook.json}.
 */
public enum BucketType {
  NEW(1),
  OLD(2);

  private final int code;

  BucketType(int code) {
    this.code = code;
  }

  /** The value written to {@code addrbook.json}: 1 for new, 2 for old. */
  public int code() {
    return code;
  }

  /**
   * The type for a file code.
   *
   * @throws IllegalArgumentException naming the rule when {@code code} is neither 1 nor 2
   */
  public static BucketType ofCode(int code) {
    return switch (code) {
      case 1 -> NEW;
      case 2 -> OLD;
      default -> throw new IllegalArgumentException(
          "bucket_type must be 1 (new) or 2 (old), got " + code);
    };
  }
}
